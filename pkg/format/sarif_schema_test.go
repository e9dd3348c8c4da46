package format

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/plimsoll/plimsoll/pkg/finding"
)

// sarifSchema compiles the vendored SARIF 2.1.0 schema (see testdata/README.md).
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	c.AssertFormat()
	const url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	sch := sarifSchema(t)
	for name, r := range map[string]*Report{
		"fixture": fixture(t),
		"empty":   {Files: []string{"Dockerfile"}},
	} {
		t.Run(name, func(t *testing.T) {
			out := render(t, "sarif", Options{ToolVersion: "1.2.3"}, r)
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(inst); err != nil {
				t.Fatalf("SARIF does not validate:\n%v\n%s", err, out)
			}
		})
	}
}

// TestSchemaRejectsBrokenSARIF shows the validation can fail.
func TestSchemaRejectsBrokenSARIF(t *testing.T) {
	sch := sarifSchema(t)
	for _, doc := range []string{
		`{"version":"2.0.0","runs":[]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{}},"results":[]}]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"locations":[{"physicalLocation":{"region":{"startLine":0}}}]}]}]}`,
	} {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if sch.Validate(inst) == nil {
			t.Errorf("schema accepted %s", doc)
		}
	}
}

// TestSARIFForGitHub checks what GitHub code scanning reads beyond the
// schema: rules with help text, results with a location and line, and
// partialFingerprints.
func TestSARIFForGitHub(t *testing.T) {
	out := render(t, "sarif", Options{}, fixture(t))
	var doc struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID      string            `json:"id"`
						Help    map[string]string `json:"help"`
						HelpURI string            `json:"helpUri"`
						Short   map[string]string `json:"shortDescription"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID              string            `json:"ruleId"`
				RuleIndex           *int              `json:"ruleIndex"`
				Level               string            `json:"level"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
				Locations           []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	run := doc.Runs[0]
	if run.Tool.Driver.Name != "plimsoll" || len(run.Tool.Driver.Rules) != 6 {
		t.Fatalf("driver %+v", run.Tool.Driver)
	}
	for _, r := range run.Tool.Driver.Rules {
		if r.Help["text"] == "" || r.Help["markdown"] == "" || r.HelpURI == "" || r.Short["text"] == "" {
			t.Errorf("rule %s lacks help: %+v", r.ID, r)
		}
	}
	if len(run.Results) != len(fixture(t).Findings) {
		t.Fatalf("%d results", len(run.Results))
	}
	for _, res := range run.Results {
		if res.RuleIndex == nil || run.Tool.Driver.Rules[*res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %s has a wrong ruleIndex", res.RuleID)
		}
		if res.PartialFingerprints[SARIFFingerprintKey] == "" {
			t.Errorf("result %s lacks a partial fingerprint", res.RuleID)
		}
		if len(res.Locations) != 1 || res.Locations[0].PhysicalLocation.Region.StartLine < 1 || res.Locations[0].PhysicalLocation.ArtifactLocation.URI == "" {
			t.Errorf("result %s location %+v", res.RuleID, res.Locations)
		}
	}
	_ = finding.Error
}
