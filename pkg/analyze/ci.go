package analyze

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/dustin/go-humanize"
	"gopkg.in/yaml.v3"
)

// CI rule names: dive's three (same keys as .dive-ci) and plimsoll's own.
const (
	RuleLowestEfficiency         = "lowestEfficiency"
	RuleHighestWastedBytes       = "highestWastedBytes"
	RuleHighestUserWastedPercent = "highestUserWastedPercent"
	RuleMaxSize                  = "maxSize"
	RuleMaxReclaimable           = "maxReclaimable"
)

// ruleOrder is the order rules are listed in (dive sorts by name; so do we).
var ruleOrder = []string{RuleHighestUserWastedPercent, RuleHighestWastedBytes, RuleLowestEfficiency, RuleMaxReclaimable, RuleMaxSize}

// Rules are CI thresholds as dive keeps them: strings, "disabled" (or
// "off") to switch one off. The zero value is not useful; start from
// DefaultRules.
type Rules map[string]string

// DefaultRules are dive's defaults (lowestEfficiency 0.9,
// highestUserWastedPercent 0.1, highestWastedBytes disabled) plus
// plimsoll's rules, disabled.
func DefaultRules() Rules {
	return Rules{
		RuleLowestEfficiency:         "0.9",
		RuleHighestWastedBytes:       "disabled",
		RuleHighestUserWastedPercent: "0.1",
		RuleMaxSize:                  "disabled",
		RuleMaxReclaimable:           "disabled",
	}
}

// ParseDiveCI reads a .dive-ci file (YAML, `rules:` mapping) over r,
// keeping what it does not set. Keys match case-insensitively, as dive's
// viper does; unknown keys are ignored, as dive does.
func (r Rules) ParseDiveCI(in io.Reader) error {
	var doc yaml.Node
	if err := yaml.NewDecoder(in).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}
		return fmt.Errorf("not valid YAML: %w", err)
	}
	if len(doc.Content) == 0 {
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return errors.New("expected a mapping with a `rules:` key")
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if !strings.EqualFold(root.Content[i].Value, "rules") {
			continue
		}
		rules := root.Content[i+1]
		if rules.Kind != yaml.MappingNode {
			return fmt.Errorf("line %d: `rules` must be a mapping", rules.Line)
		}
		for j := 0; j+1 < len(rules.Content); j += 2 {
			k, v := rules.Content[j], rules.Content[j+1]
			if v.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: rule %s must be a single value", v.Line, k.Value)
			}
			for _, name := range ruleOrder {
				if strings.EqualFold(k.Value, name) {
					r[name] = v.Value
				}
			}
		}
	}
	return nil
}

// ReadRulesFile returns DefaultRules overlaid with the .dive-ci file at
// path. A missing file is not an error (dive goes on with its defaults):
// found is false then.
func ReadRulesFile(path string) (r Rules, found bool, err error) {
	r = DefaultRules()
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return r, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("CI config: %w", err)
	}
	defer f.Close()
	if err := r.ParseDiveCI(f); err != nil {
		return nil, true, fmt.Errorf("CI config %s: %w", path, err)
	}
	return r, true, nil
}

func disabled(v string) bool { return v == "disabled" || v == "off" }

// Validate checks every enabled rule's value the way dive does (ratios
// 0-1, sizes humanize-parsed: 20MB, 19MiB, 1000).
func (r Rules) Validate() error {
	var errs []error
	for _, name := range ruleOrder {
		v := r[name]
		if disabled(v) {
			continue
		}
		switch name {
		case RuleLowestEfficiency, RuleHighestUserWastedPercent:
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: invalid config value (%q): %v", name, v, err))
			} else if f < 0 || f > 1 {
				errs = append(errs, fmt.Errorf("%s: config value is outside allowed range (0-1), given %q", name, v))
			}
		default:
			if _, err := humanize.ParseBytes(v); err != nil {
				errs = append(errs, fmt.Errorf("%s: invalid config value (%q): %v", name, v, err))
			}
		}
	}
	return errors.Join(errs...)
}

// RuleResult is one evaluated rule.
type RuleResult struct {
	Rule      string `json:"rule"`
	Status    string `json:"status"` // pass, fail, skip
	Threshold string `json:"threshold"`
	Message   string `json:"message,omitempty"`
}

// CIResult is the outcome of CI mode.
type CIResult struct {
	Pass  bool         `json:"pass"`
	Rules []RuleResult `json:"rules"`
}

// byteRules are the rules that bound a byte count: what they measure and
// how a failure reads (measured, threshold, excess).
var byteRules = map[string]struct {
	value   func(*Analysis) int64
	message string
}{
	RuleHighestWastedBytes: {func(a *Analysis) int64 { return a.WastedBytes }, "too many bytes wasted (wasted-bytes=%d > threshold=%d), over by %s"},
	RuleMaxSize:            {func(a *Analysis) int64 { return a.SizeBytes }, "image is too big (size=%d > max=%d), over by %s"},
	RuleMaxReclaimable:     {func(a *Analysis) int64 { return a.ReclaimableBytes }, "too many reclaimable bytes (reclaimable=%d > max=%d), over by %s"},
}

// userBytes is dive's "user size": the bytes of every layer but the first.
func userBytes(a *Analysis) int64 {
	var n int64
	for _, l := range a.Layers[1:] {
		n += l.SizeBytes
	}
	return n
}

// Evaluate applies validated rules to an analysis.
func (r Rules) Evaluate(a *Analysis) *CIResult {
	res := &CIResult{Pass: true}
	for _, name := range ruleOrder {
		v := r[name]
		rr := RuleResult{Rule: name, Status: "pass", Threshold: v}
		if disabled(v) {
			rr.Status = "skip"
			rr.Message = "rule disabled"
			res.Rules = append(res.Rules, rr)
			continue
		}
		switch name {
		case RuleLowestEfficiency:
			t, _ := strconv.ParseFloat(v, 64)
			if t > a.Efficiency {
				rr.Status = "fail"
				rr.Message = fmt.Sprintf("image efficiency is too low (efficiency=%v < threshold=%v), short by %.4f", a.Efficiency, t, t-a.Efficiency)
			}
		case RuleHighestUserWastedPercent:
			t, _ := strconv.ParseFloat(v, 64)
			ratio := a.UserWastedRatio
			if a.WastedBytes > 0 && len(a.Layers) > 0 && userBytes(a) == 0 {
				// The layers above the base add no bytes (only
				// deletions): dive divides by zero, gets +Inf, and
				// the rule fails. The JSON keeps 0 (JSON has no Inf).
				ratio = math.Inf(1)
			}
			if t < ratio {
				rr.Status = "fail"
				rr.Message = fmt.Sprintf("too many bytes wasted, relative to the user bytes added (%%-user-wasted-bytes=%v > threshold=%v), over by %.4f", ratio, t, ratio-t)
			}
		case RuleHighestWastedBytes, RuleMaxSize, RuleMaxReclaimable:
			t, _ := humanize.ParseBytes(v)
			b := byteRules[name]
			if got := b.value(a); got > 0 && uint64(got) > t {
				rr.Status = "fail"
				rr.Message = fmt.Sprintf(b.message, got, t, humanize.Bytes(uint64(got)-t))
			}
		}
		if rr.Status == "fail" {
			res.Pass = false
		}
		res.Rules = append(res.Rules, rr)
	}
	return res
}
