package baseimage

import (
	"archive/tar"
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/stream"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Options say how to make the base images.
type Options struct {
	Cache   string    // plimsoll's cache folder; layouts go to Dir(Cache, name)
	Busybox string    // the static busybox binary; "" finds busybox on PATH
	Mirror  string    // Debian mirror for debootstrap; "" reads /etc/apt/sources.list*
	Suite   string    // Debian suite; "" means bookworm
	Log     io.Writer // progress; nil discards
}

// Make makes the named base image unless its layout is already there, and
// returns its directory. The layout appears atomically (written beside,
// then renamed), so an interrupted run leaves no half image.
func Make(ctx context.Context, name string, o Options) (string, error) {
	dir := Dir(o.Cache, name)
	if _, err := os.Stat(filepath.Join(dir, "index.json")); err == nil {
		return dir, nil
	}
	logw := o.Log
	if logw == nil {
		logw = io.Discard
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	start := time.Now()
	switch name {
	case "busybox":
		err = makeBusybox(ctx, tmp, o)
	case "debian":
		err = makeDebian(ctx, tmp, o, logw)
	default:
		err = fmt.Errorf("no base image %q; have %s", name, strings.Join(Names(), ", "))
	}
	if err != nil {
		return "", fmt.Errorf("making base image %s: %w", name, err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return "", fmt.Errorf("making base image %s: %w", name, err)
	}
	fmt.Fprintf(logw, "base image %s: %s (%.1fs)\n", name, dir, time.Since(start).Seconds())
	return dir, nil
}

// makeBusybox writes a busybox image: /bin/busybox, a symlink per applet,
// /etc/passwd and /etc/group, /tmp, /root.
func makeBusybox(ctx context.Context, out string, o Options) error {
	bin := o.Busybox
	if bin == "" {
		bin = "busybox"
	}
	bin, err := exec.LookPath(bin)
	if err != nil {
		return fmt.Errorf("busybox not found (apt-get install busybox-static): %w", err)
	}
	list, err := exec.CommandContext(ctx, bin, "--list-full").Output()
	if err != nil {
		return fmt.Errorf("%s --list-full: %w", bin, err)
	}
	root, err := os.MkdirTemp("", "plimsoll-busybox-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	for _, d := range []string{"bin", "sbin", "usr/bin", "usr/sbin", "etc", "tmp", "root", "home", "var", "dev", "proc", "sys"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			return err
		}
	}
	if err := os.Chmod(filepath.Join(root, "tmp"), 0o1777); err != nil {
		return err
	}
	if err := os.Chmod(filepath.Join(root, "root"), 0o700); err != nil {
		return err
	}
	if err := copyFile(bin, filepath.Join(root, "bin", "busybox"), 0o755); err != nil {
		return err
	}
	for _, applet := range strings.Fields(string(list)) {
		p := filepath.Join(root, applet)
		if applet == "bin/busybox" || !strings.Contains(applet, "/") {
			continue
		}
		if _, err := os.Lstat(p); err == nil {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.Symlink("/bin/busybox", p); err != nil {
			return err
		}
	}
	//nolint:gosec // G101: the passwd and group files of a test image, no secret
	files := map[string]string{
		"etc/passwd": "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n",
		"etc/group":  "root:x:0:\nnogroup:x:65534:\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(root, name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	return writeLayout(out, root, v1.Config{
		Env: []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
		Cmd: []string{"sh"},
	})
}

// makeDebian runs debootstrap --variant=minbase, trims it the way the
// official -slim images are trimmed, and writes it as one layer.
func makeDebian(ctx context.Context, out string, o Options, logw io.Writer) error {
	if _, err := exec.LookPath("debootstrap"); err != nil {
		return errors.New("debootstrap not found: apt-get install debootstrap")
	}
	if os.Geteuid() != 0 {
		return errors.New("debootstrap needs root")
	}
	suite := o.Suite
	if suite == "" {
		suite = "bookworm"
	}
	mirror := o.Mirror
	if mirror == "" {
		mirror = MirrorFromAPT("/etc/apt")
	}
	root, err := os.MkdirTemp("", "plimsoll-debootstrap-")
	if err != nil {
		return err
	}
	defer func() {
		// debootstrap may leave /proc or /sys mounted when interrupted.
		for _, m := range []string{"proc", "sys", "dev/pts"} {
			_ = syscall.Unmount(filepath.Join(root, m), syscall.MNT_DETACH)
		}
		os.RemoveAll(root)
	}()
	args := []string{"--variant=minbase", suite, root}
	if mirror != "" {
		args = append(args, mirror)
	}
	cmd := exec.CommandContext(ctx, "debootstrap", args...)
	cmd.Stdout, cmd.Stderr = logw, logw
	fmt.Fprintf(logw, "debootstrap %s\n", strings.Join(args, " "))
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("debootstrap %s: %w", strings.Join(args, " "), err)
	}
	if mirror == "" {
		// debootstrap chose its default mirror and wrote it into the tree.
		if mirror = MirrorFromAPT(filepath.Join(root, "etc/apt")); mirror == "" {
			return errors.New("debootstrap left no Debian apt source in the new tree: pass a mirror (Options.Mirror)")
		}
	}
	if err := slim(root, suite, mirror); err != nil {
		return err
	}
	return writeLayout(out, root, v1.Config{
		Env: []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
		Cmd: []string{"bash"},
	})
}

// slim trims a debootstrap tree like debuerreotype's -slim images: no docs,
// man pages or locales (and dpkg told to skip them on later installs), apt
// caches cleaned, host files removed, apt sources pointing at the mirror.
func slim(root, suite, mirror string) error {
	for _, glob := range []string{
		"usr/share/man/*", "usr/share/info/*", "usr/share/groff/*", "usr/share/lintian/*", "usr/share/linda/*",
		"usr/share/locale/*", "var/cache/apt/*.bin", "var/cache/apt/archives/*.deb",
		"var/lib/apt/lists/*_*", "var/log/*.log", "var/log/apt/*", "etc/resolv.conf", "etc/hostname",
		"var/cache/debconf/*-old", "var/lib/dpkg/*-old",
	} {
		ms, _ := filepath.Glob(filepath.Join(root, glob))
		for _, m := range ms {
			if err := os.RemoveAll(m); err != nil {
				return err
			}
		}
	}
	docs, _ := filepath.Glob(filepath.Join(root, "usr/share/doc/*"))
	for _, d := range docs {
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			if e.Name() != "copyright" {
				if err := os.RemoveAll(filepath.Join(d, e.Name())); err != nil {
					return err
				}
			}
		}
	}
	files := map[string]string{
		"etc/dpkg/dpkg.cfg.d/docker": "path-exclude /usr/share/doc/*\npath-include /usr/share/doc/*/copyright\n" +
			"path-exclude /usr/share/groff/*\npath-exclude /usr/share/info/*\npath-exclude /usr/share/linda/*\n" +
			"path-exclude /usr/share/lintian/*\npath-exclude /usr/share/locale/*\npath-exclude /usr/share/man/*\n",
		"etc/apt/apt.conf.d/docker-clean": "DPkg::Post-Invoke { \"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true\"; };\n" +
			"APT::Update::Post-Invoke { \"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true\"; };\n" +
			"Dir::Cache::pkgcache \"\";\nDir::Cache::srcpkgcache \"\";\n",
		"etc/apt/apt.conf.d/docker-autoremove-suggests": "Apt::AutoRemove::SuggestsImportant \"false\";\n",
		"etc/apt/apt.conf.d/docker-no-languages":        "Acquire::Languages \"none\";\n",
		"etc/apt/sources.list.d/debian.sources": fmt.Sprintf("Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n",
			mirror, suite, suite),
		"etc/hostname": "localhost\n",
	}
	for name, text := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return err
		}
	}
	return os.Remove(filepath.Join(root, "etc/apt/sources.list"))
}

// MirrorFromAPT returns the Debian mirror configured in etc (normally
// /etc/apt): the first URI of a deb source for Debian proper (not
// security), or "" when there is none (debootstrap then uses its own
// default).
func MirrorFromAPT(etc string) string {
	var files []string
	files = append(files, filepath.Join(etc, "sources.list"))
	more, _ := filepath.Glob(filepath.Join(etc, "sources.list.d", "*"))
	sort.Strings(more)
	files = append(files, more...)
	for _, f := range files {
		if !strings.HasSuffix(f, ".list") && !strings.HasSuffix(f, ".sources") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if m := mirrorIn(string(b), strings.HasSuffix(f, ".sources")); m != "" {
			return m
		}
	}
	return ""
}

func mirrorIn(text string, deb822 bool) string {
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") {
			continue
		}
		var uri string
		if deb822 {
			if v, ok := strings.CutPrefix(line, "URIs:"); ok {
				if f := strings.Fields(v); len(f) > 0 {
					uri = f[0]
				}
			}
		} else if f := strings.Fields(line); len(f) >= 3 && f[0] == "deb" {
			uri = f[1]
			if strings.HasPrefix(uri, "[") { // deb [arch=amd64] URI suite
				for _, x := range f[1:] {
					if strings.Contains(x, "://") {
						uri = x
						break
					}
				}
			}
		}
		if uri != "" && strings.Contains(uri, "://") && !strings.Contains(uri, "security") && strings.Contains(uri, "debian") {
			return strings.TrimRight(uri, "/")
		}
	}
	return ""
}

// writeLayout writes the tree at root as a one-layer image into the OCI
// layout at out. The layer is streamed: the tree is read once, compressed
// and hashed on its way into the layout.
func writeLayout(out, root string, cfg v1.Config) error {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(tarTree(pw, root)) }()
	// The config goes on first: a streamed layer's digests are known only
	// once it has been written.
	base := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	base = mutate.ConfigMediaType(base, types.OCIConfigJSON)
	cf, err := base.ConfigFile()
	if err != nil {
		return err
	}
	cf = cf.DeepCopy()
	cf.Config = cfg
	cf.OS = "linux"
	cf.Architecture = runtime.GOARCH
	cf.Created = v1.Time{Time: time.Now().UTC().Truncate(time.Second)}
	base, err = mutate.ConfigFile(base, cf)
	if err != nil {
		return err
	}
	img, err := mutate.AppendLayers(base, stream.NewLayer(pr))
	if err != nil {
		return err
	}
	p, err := layout.Write(out, empty.Index)
	if err != nil {
		return err
	}
	return p.AppendImage(img, layout.WithAnnotations(map[string]string{
		"org.opencontainers.image.ref.name": RefName,
	}))
}

// tarTree writes the tree at root as a tar stream, in lexical order, with
// owners, modes, symlinks and hard links; device nodes, sockets and FIFOs
// are left out (the runtime provides /dev).
func tarTree(w io.Writer, root string) error {
	tw := tar.NewWriter(w)
	links := map[uint64]string{} // inode -> first path, for hard links
	// File contents are read through an os.Root: a path swapped for a
	// symlink during the walk cannot lead the reader out of the tree.
	rt, err := os.OpenRoot(root)
	if err != nil {
		return err
	}
	defer rt.Close()
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil || rel == "." {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		mode := fi.Mode()
		if mode&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeNamedPipe|fs.ModeSocket) != 0 {
			return nil
		}
		var link string
		if mode&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(p); err != nil {
				return err
			}
		}
		hdr, err := tar.FileInfoHeader(fi, link)
		if err != nil {
			return err
		}
		hdr.Name = filepath.ToSlash(rel)
		if fi.IsDir() {
			hdr.Name += "/"
		}
		hdr.Uname, hdr.Gname = "", ""
		hdr.Format = tar.FormatPAX
		hdr.AccessTime, hdr.ChangeTime = time.Time{}, time.Time{}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			hdr.Uid, hdr.Gid = int(st.Uid), int(st.Gid)
			if mode.IsRegular() && st.Nlink > 1 {
				if first, ok := links[st.Ino]; ok {
					hdr.Typeflag = tar.TypeLink
					hdr.Linkname = first
					hdr.Size = 0
				} else {
					links[st.Ino] = hdr.Name
				}
			}
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if hdr.Typeflag != tar.TypeReg {
			return nil
		}
		f, err := rt.Open(rel)
		if err != nil {
			return err
		}
		defer f.Close()
		if _, err := io.Copy(tw, f); err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
