package analyze

// pinnedDiveCases are diveCases with the numbers dive v0.13.1 printed for
// them (`dive --ci --json`; user wasted from its highestUserWastedPercent
// message). Regenerate as described in diveCase.
func pinnedDiveCases() []diveCase {
	pinned := map[string]diveCase{
		"overwrites":                 {efficiency: 0.2222222222222222, wasted: 9000, userWasted: 1.8, size: 9000, inefficient: []string{"3 5000 /etc/a", "2 4000 /etc/b"}},
		"deletions":                  {efficiency: 0.8889012331963115, wasted: 1000, userWasted: 1000, size: 5001, inefficient: []string{"2 1000 /app/f"}},
		"opaque":                     {efficiency: 0.8001998001998002, wasted: 1005, userWasted: 1, size: 5005, inefficient: []string{"2 1005 /cache/a"}},
		"hardlinks-symlinks":         {efficiency: 0.25, wasted: 4000, userWasted: 4, size: 4000, inefficient: []string{"2 4000 /bin/busybox", "2 0 /bin/sh"}},
		"dive-walk-abort":            {efficiency: 1, wasted: 0, userWasted: 0, size: 8000},
		"implicit-dirs-and-recreate": {efficiency: 0.625, wasted: 4000, userWasted: 1, size: 8000, inefficient: []string{"2 4000 /a/b/c", "2 0 /empty"}},
	}
	var out []diveCase
	for _, c := range diveCases() {
		p, ok := pinned[c.name]
		if !ok {
			panic("no dive numbers pinned for case " + c.name)
		}
		p.name, p.layers = c.name, c.layers
		out = append(out, p)
	}
	return out
}
