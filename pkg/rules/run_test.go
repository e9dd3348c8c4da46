package rules

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestLintFilesKeepsOrderAndErrors(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte("numpy\n"), 0o644)
	var files []FileInput
	for i := range 12 {
		p := filepath.Join(dir, fmt.Sprintf("%02d.Dockerfile", i))
		content := "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
		if i == 5 {
			content = "FROM x\x00"
		}
		os.WriteFile(p, []byte(content), 0o644)
		files = append(files, FileInput{Path: p, Context: dir})
	}
	files = append(files, FileInput{Path: "-", Data: []byte("FROM python\n")})
	res, err := LintFiles(context.Background(), files, Options{BuildKit: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(files) {
		t.Fatalf("%d results", len(res))
	}
	for i, r := range res {
		if r.Input.Path != files[i].Path {
			t.Fatalf("result %d is for %s", i, r.Input.Path)
		}
		if (i == 5) != (r.Err != nil) {
			t.Errorf("%s: err %v", r.Input.Path, r.Err)
		}
		if i != 5 && len(r.Result.Findings) == 0 {
			t.Errorf("%s: no findings", r.Input.Path)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := LintFiles(ctx, files, Options{}); err == nil {
		t.Error("a canceled context must stop LintFiles")
	}
}
