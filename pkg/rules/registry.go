package rules

// All returns every rule plimsoll knows, in id order. It is an explicit
// list: a new rule is one line here (no init() registration).
func All() []Rule {
	return []Rule{
		PL001{},
		PL101{},
		PL102{},
		PL103{},
		PL104{},
		PL201{},
		PL202{},
		PL203{},
		PL204{},
		PL205{},
		PL206{},
		PL207{},
		PL301{},
		PL302{},
		PL303{},
		PL401{}, PL402{}, PL403{}, PL501{}, PL502{}, PL601{}, PL602{}, PL603{},
	}
}

// ByID returns the registered rule with the given id, or nil.
func ByID(id string) Rule {
	for _, r := range All() {
		if r.Meta().ID == id {
			return r
		}
	}
	return nil
}
