package rules

import (
	"context"
	"strconv"
	"testing"
)

func TestBuildKitChecks(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // rule@line
	}{
		{"clean", "FROM busybox:1.36\nRUN echo hi\n", nil},
		{"casing", "FROM busybox:1.36 as Builder\nrun echo hi\nFROM busybox:1.36\nCOPY --from=Builder /x /x\n",
			[]string{"buildkit:StageNameCasing@1", "buildkit:FromAsCasing@1", "buildkit:ConsistentInstructionCasing@2"}},
		{"skip directive", "# check=skip=StageNameCasing,FromAsCasing\nFROM busybox:1.36 as Builder\nRUN echo hi\n", nil},
		{"secrets", "FROM busybox:1.36\nENV AWS_SECRET_ACCESS_KEY=x\n", []string{"buildkit:SecretsUsedInArgOrEnv@2"}},
		{"blank base", "FROM busybox:1.36\nFROM ${BASE}\n", []string{"buildkit:InvalidDefaultArgInFrom@2", "buildkit:UndefinedArgInFrom@2", "PL001@2"}},
		{"json args", "FROM busybox:1.36\nCMD echo hi\n", []string{"buildkit:JSONArgsRecommended@2"}},
		// The offline resolver answers for any registry, even one that
		// cannot exist, and for the platform asked: no network, no false
		// InvalidBaseImagePlatform.
		{"offline", "FROM registry.invalid/team/base:1\nFROM --platform=linux/arm64 registry.invalid/x:2\nCOPY --from=0 /a /a\n", []string{"buildkit:FromPlatformFlagConstDisallowed@2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := BuildKitChecks(context.Background(), "Dockerfile", []byte(tt.src), BuildKitOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range fs {
				got = append(got, f.Rule+"@"+strconv.Itoa(f.Line))
				t.Logf("%s:%d %s", f.Rule, f.Line, f.Message)
			}
			if !sameSet(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
