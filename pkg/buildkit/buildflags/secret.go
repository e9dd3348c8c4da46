package buildflags

import (
	"fmt"
)

// Secret is one --secret: a value read from a file (Src) or an environment
// variable (Env) and mounted into RUN --mount=type=secret,id=ID.
type Secret struct {
	ID  string
	Src string
	Env string
}

// ParseSecret parses id=ID,src=PATH or id=ID,env=VAR (type=file|env and
// source= are accepted like buildx). With neither src nor env, the secret is
// read from the environment variable ID when set, else from the file ID.
func ParseSecret(s string) (Secret, error) {
	kv, err := keyValues(s, "")
	if err != nil {
		return Secret{}, fmt.Errorf("--secret %q: %v; want id=ID,src=FILE or id=ID,env=VAR", s, err)
	}
	var sec Secret
	typ := ""
	for k, v := range kv {
		switch k {
		case "id":
			sec.ID = v
		case "src", "source":
			sec.Src = v
		case "env":
			sec.Env = v
		case "type":
			typ = v
		default:
			return Secret{}, fmt.Errorf("--secret %q: unknown key %q; want id=ID,src=FILE or id=ID,env=VAR", s, k)
		}
	}
	switch typ {
	case "", "file":
	case "env":
		if sec.Env == "" {
			sec.Env, sec.Src = sec.Src, ""
		}
	default:
		return Secret{}, fmt.Errorf("--secret %q: type %q is not file or env", s, typ)
	}
	if sec.ID == "" {
		return Secret{}, fmt.Errorf("--secret %q: id= is required", s)
	}
	if sec.Src != "" && sec.Env != "" {
		return Secret{}, fmt.Errorf("--secret %q: give src= or env=, not both", s)
	}
	return sec, nil
}
