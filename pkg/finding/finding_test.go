package finding

import (
	"encoding/json"
	"testing"
)

func TestSeverity(t *testing.T) {
	for _, s := range []Severity{Off, Style, Info, Warning, Error} {
		got, err := ParseSeverity(s.String())
		if err != nil || got != s {
			t.Errorf("%s round trip: %v %v", s, got, err)
		}
	}
	if s, err := ParseSeverity(" WARNING "); err != nil || s != Warning {
		t.Errorf("case/space: %v %v", s, err)
	}
	if s, _ := ParseSeverity("none"); s != Off {
		t.Error("none is off")
	}
	if _, err := ParseSeverity("critical"); err == nil {
		t.Error("unknown severity accepted")
	}
	order := []Severity{Error, Warning, Info, Style, Off}
	for i := 1; i < len(order); i++ {
		if order[i-1] <= order[i] {
			t.Errorf("severities must be ordered: %v <= %v", order[i-1], order[i])
		}
	}
	b, _ := json.Marshal(Finding{Rule: "PL201", Severity: Warning})
	var f Finding
	if err := json.Unmarshal(b, &f); err != nil || f.Severity != Warning {
		t.Errorf("json %s: %v %v", b, f.Severity, err)
	}
	if err := json.Unmarshal([]byte(`{"severity":"loud"}`), &f); err == nil {
		t.Error("bad severity decoded")
	}
}

func TestFingerprint(t *testing.T) {
	a := Fingerprint("PL201", "Dockerfile", "RUN  pip install x", 0)
	if a != Fingerprint("PL201", "Dockerfile", "RUN pip install x", 0) {
		t.Error("whitespace must not matter")
	}
	for _, other := range []string{
		Fingerprint("PL202", "Dockerfile", "RUN pip install x", 0),
		Fingerprint("PL201", "b/Dockerfile", "RUN pip install x", 0),
		Fingerprint("PL201", "Dockerfile", "RUN pip install y", 0),
		Fingerprint("PL201", "Dockerfile", "RUN pip install x", 1),
	} {
		if other == a {
			t.Error("fingerprints collide")
		}
	}
	if len(a) != 32 {
		t.Errorf("length %d", len(a))
	}
}

func TestSortAndCount(t *testing.T) {
	fs := []Finding{
		{Rule: "PL2", File: "b", Line: 1, Severity: Info},
		{Rule: "PL1", File: "a", Line: 9, Severity: Error},
		{Rule: "PL1", File: "a", Line: 2, Severity: Warning},
		{Rule: "PL0", File: "a", Line: 2, Severity: Style},
	}
	Sort(fs)
	if fs[0].Rule != "PL0" || fs[1].Rule != "PL1" || fs[1].Line != 2 || fs[3].File != "b" {
		t.Errorf("order %+v", fs)
	}
	if Count(fs, Warning) != 2 || Count(fs, Style) != 4 || Count(fs, Error) != 1 {
		t.Error("Count")
	}
}
