package dockerfile

import (
	"strings"
	"testing"
)

func runOf(t *testing.T, line string) *Run {
	t.Helper()
	f := mustParse(t, "FROM x\n"+line+"\n", ParseOptions{})
	return f.Stages[0].Instructions[0].Run
}

func cmdList(r *Run) string {
	var out []string
	for _, c := range r.Commands {
		out = append(out, c.String())
	}
	return strings.Join(out, " ; ")
}

func TestShellCommands(t *testing.T) {
	for _, tc := range []struct{ run, want string }{
		{`RUN apt-get update && apt-get install -y curl || true`, "apt-get update ; apt-get install -y curl ; true"},
		{`RUN sudo -E apt-get install -y "git" 'make'`, "apt-get install -y git make"},
		{`RUN python3 -m pip install --no-cache-dir torch==2.3.1`, "pip install --no-cache-dir torch==2.3.1"},
		{`RUN /usr/local/bin/pip3 install x`, "pip3 install x"},
		{`RUN env PIP_NO_CACHE_DIR=1 pip install x`, "pip install x"},
		{`RUN sh -c 'pip install a && rm -rf /tmp/x'`, "sh -c pip install a && rm -rf /tmp/x ; pip install a ; rm -rf /tmp/x"},
		{`RUN ["pip", "install", "x"]`, "pip install x"},
		{`RUN if [ -f r.txt ]; then pip install -r r.txt; fi`, "[ -f r.txt ] ; pip install -r r.txt"},
		{`RUN for p in a b; do pip install $p; done`, "pip install $p"},
		{`RUN echo $(pip --version) > /v`, "echo $(pip --version) ; pip --version"},
		{"RUN bash <<EOF\napt-get update\nEOF", "bash ; apt-get update"},
		{"RUN python3 <<EOF\nimport os\nEOF", "python3"},
		{`RUN cat pkgs.txt | xargs -r -n 1 apt-get install -y`, "cat pkgs.txt ; apt-get install -y"},
		{`RUN conda run -n ml --no-capture-output pip install x`, "pip install x"},
		{`RUN micromamba run -p /opt/env python -m pip install x`, "pip install x"},
		{`RUN poetry run pip install x && pipenv run pip install y`, "pip install x ; pip install y"},
		{`RUN conda install -n ml x && conda run`, "conda install -n ml x ; conda run"},
	} {
		if got := cmdList(runOf(t, tc.run)); got != tc.want {
			t.Errorf("%s:\n got  %s\n want %s", tc.run, got, tc.want)
		}
	}
}

func TestShellEnvAndExports(t *testing.T) {
	r := runOf(t, `RUN export PIP_NO_CACHE_DIR=1 A="x y" && B=2 && PIP_INDEX_URL=http://i pip install x`)
	if v, ok := r.Export("PIP_NO_CACHE_DIR"); !ok || v != "1" {
		t.Errorf("export: %v %v", v, ok)
	}
	if v, _ := r.Export("A"); v != "x y" {
		t.Errorf("A=%q", v)
	}
	if v, ok := r.Export("B"); !ok || v != "2" {
		t.Errorf("bare assignment B=%q %v", v, ok)
	}
	pip := r.Commands[len(r.Commands)-1]
	if v, ok := pip.EnvValue("PIP_INDEX_URL"); !ok || v != "http://i" {
		t.Errorf("prefix env %v", pip.Env)
	}
}

func TestShellParseErrorFallsBack(t *testing.T) {
	r := runOf(t, `RUN echo "unterminated && pip install x`)
	if r.ParseError == nil {
		t.Fatal("want a parse error")
	}
	if !strings.Contains(cmdList(r), "pip install") {
		t.Errorf("fallback commands %s", cmdList(r))
	}
}

func TestShellHeredocLines(t *testing.T) {
	f := mustParse(t, "FROM x\nRUN <<EOF\nset -e\n\napt-get update\npip install y\nEOF\n", ParseOptions{})
	r := f.Stages[0].Instructions[0].Run
	lines := map[string]int{}
	for _, c := range r.Commands {
		lines[c.Name] = c.Line
	}
	if lines["apt-get"] != 5 || lines["pip"] != 6 {
		t.Errorf("lines %v", lines)
	}
}

func TestCommandFlags(t *testing.T) {
	c := &Command{Name: "curl", Args: []string{"-fsSLo", "/tmp/a", "--output=/tmp/b", "-o/tmp/c", "https://x"}}
	if got := strings.Join(c.FlagValues("-o", "--output"), ","); got != "/tmp/a,/tmp/b,/tmp/c" {
		t.Errorf("FlagValues %s", got)
	}
	a := &Command{Name: "apt-get", Args: []string{"-yq", "install", "--no-install-recommends", "x"}}
	if !a.HasFlag("-y") || !a.HasFlag("--no-install-recommends") || a.HasFlag("--fix-missing") || a.Subcommand() != "install" {
		t.Error("HasFlag/Subcommand")
	}
	if !(&Command{Name: "pip3.11"}).Is("pip*") || (&Command{Name: "pipx"}).Is("pip") {
		t.Error("Is")
	}
}
