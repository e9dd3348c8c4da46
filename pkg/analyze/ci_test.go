package analyze

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseDiveCI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     Rules
		wantErr  string
	}{
		{"dive's example", "rules:\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20MB\n  highestUserWastedPercent: 0.20\n",
			Rules{RuleLowestEfficiency: "0.95", RuleHighestWastedBytes: "20MB", RuleHighestUserWastedPercent: "0.20"}, ""},
		{"keys are case-insensitive", "Rules:\n  LOWESTEFFICIENCY: 0.5\n", Rules{RuleLowestEfficiency: "0.5"}, ""},
		{"disabled and off", "rules:\n  lowestEfficiency: disabled\n  highestUserWastedPercent: off\n",
			Rules{RuleLowestEfficiency: "disabled", RuleHighestUserWastedPercent: "off"}, ""},
		{"plimsoll rules", "rules:\n  maxSize: 500MB\n  maxReclaimable: 19MiB\n", Rules{RuleMaxSize: "500MB", RuleMaxReclaimable: "19MiB"}, ""},
		{"empty file keeps the defaults", "", Rules{RuleLowestEfficiency: "0.9"}, ""},
		{"unknown keys are ignored", "rules:\n  somethingElse: 3\nother: 1\n", Rules{RuleLowestEfficiency: "0.9"}, ""},
		{"not yaml", "rules: [", nil, "not valid YAML"},
		{"rules not a mapping", "rules: 3\n", nil, "must be a mapping"},
		{"rule not a scalar", "rules:\n  lowestEfficiency: [1]\n", nil, "single value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := DefaultRules()
			err := r.ParseDiveCI(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.want {
				if r[k] != v {
					t.Errorf("%s = %q, want %q", k, r[k], v)
				}
			}
		})
	}
}

func TestRulesValidateAndEvaluate(t *testing.T) {
	t.Parallel()
	a := &Analysis{Efficiency: 0.9844212134184309, WastedBytes: 32025, UserWastedRatio: 0.4834911001404049, SizeBytes: 1220598, ReclaimableBytes: 32025}
	// dive's own evaluator test table (runtime/ci/evaluator_test.go).
	tests := []struct {
		name              string
		eff, wasted, user string
		pass              bool
		invalid           bool
	}{
		{"allFail", "0.99", "1B", "0.01", false, false},
		{"allPass", "0.9", "50kB", "0.5", true, false},
		{"allDisabled", "disabled", "disabled", "disabled", true, false},
		{"misconfiguredHigh", "1.1", "1BB", "10", false, true},
		{"misconfiguredLow", "-9", "-1BB", "-0.1", false, true},
	}
	for _, tt := range tests {
		r := DefaultRules()
		r[RuleLowestEfficiency], r[RuleHighestWastedBytes], r[RuleHighestUserWastedPercent] = tt.eff, tt.wasted, tt.user
		err := r.Validate()
		if (err != nil) != tt.invalid {
			t.Errorf("%s: Validate() = %v", tt.name, err)
			continue
		}
		if tt.invalid {
			continue
		}
		if got := r.Evaluate(a); got.Pass != tt.pass {
			t.Errorf("%s: pass = %v, want %v (%+v)", tt.name, got.Pass, tt.pass, got.Rules)
		}
	}
	r := DefaultRules()
	r[RuleMaxSize] = "1MB"
	res := r.Evaluate(a)
	var msg string
	for _, rr := range res.Rules {
		if rr.Rule == RuleMaxSize {
			msg = rr.Message
		}
	}
	if !strings.Contains(msg, "over by 221 kB") {
		t.Errorf("maxSize message = %q, want how much over", msg)
	}
}

// TestUserWastedNoUserBytes: when the layers above the base add no bytes
// (they only delete), dive's user-wasted ratio is wasted/0: +Inf when
// something is wasted, and its rule fails; NaN when nothing is, and it
// passes. The JSON ratio stays 0 either way.
func TestUserWastedNoUserBytes(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		layers [][]byte
		pass   bool
	}{
		{"deletion only", [][]byte{layerTar(t, file("a", "12345")), layerTar(t, whiteout(".wh.a"))}, false},
		{"nothing wasted", [][]byte{layerTar(t, file("a", "12345")), layerTar(t, dir("d"))}, true},
	} {
		a := analyzeImage(t, mkImage(t, tt.layers...))
		if a.UserWastedRatio != 0 {
			t.Errorf("%s: user_wasted_ratio = %v, want 0 in the JSON", tt.name, a.UserWastedRatio)
		}
		r := DefaultRules()
		r[RuleLowestEfficiency] = "disabled"
		res := r.Evaluate(a)
		if res.Pass != tt.pass {
			t.Errorf("%s: pass = %v, want %v (%+v)", tt.name, res.Pass, tt.pass, res.Rules)
		}
		if !tt.pass && !strings.Contains(res.Rules[0].Message, "+Inf") {
			t.Errorf("%s: message %q does not say +Inf as dive does", tt.name, res.Rules[0].Message)
		}
	}
}

func TestReadRulesFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	os.WriteFile(good, []byte("rules:\n  lowestEfficiency: 0.5\n"), 0o644)
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("rules: ["), 0o644)
	tests := []struct {
		name, path string
		found      bool
		eff        string // lowestEfficiency after reading; "" when an error is expected
		err        string
	}{
		{"missing: dive's defaults", filepath.Join(dir, "none"), false, "0.9", ""},
		{"overrides", good, true, "0.5", ""},
		{"not YAML", bad, true, "", "CI config " + bad},
		{"a directory", dir, false, "", "CI config"},
	}
	for _, tt := range tests {
		r, found, err := ReadRulesFile(tt.path)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err = %v, want %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil || found != tt.found || r[RuleLowestEfficiency] != tt.eff {
			t.Errorf("%s: found %v, lowestEfficiency %q, err %v; want %v, %q", tt.name, found, r[RuleLowestEfficiency], err, tt.found, tt.eff)
		}
	}
}
