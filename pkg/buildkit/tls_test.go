package buildkit_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plimsoll/plimsoll/pkg/buildkit"
)

// TestConnectTLS runs a buildkitd that also listens on tcp://127.0.0.1 with
// mutual TLS, and connects to it with the CA, client certificate and key,
// as --tlscacert/--tlscert/--tlskey do; without a client certificate, or
// trusting the wrong CA, it refuses.
func TestConnectTLS(t *testing.T) {
	dir := t.TempDir()
	ca, caKey := writeCA(t, dir, "ca")
	writeLeaf(t, dir, "server", ca, caKey, true)
	writeLeaf(t, dir, "client", ca, caKey, false)
	writeCA(t, dir, "other-ca")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := "tcp://" + ln.Addr().String()
	ln.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	d, err := buildkit.StartDaemon(ctx, buildkit.DaemonOptions{ExtraArgs: []string{
		"--addr", addr,
		"--tlscacert", filepath.Join(dir, "ca.pem"),
		"--tlscert", filepath.Join(dir, "server.pem"),
		"--tlskey", filepath.Join(dir, "server-key.pem"),
	}})
	if err != nil {
		t.Fatalf("StartDaemon: %v", err)
	}
	defer d.Close()
	// --addr given twice: the daemon answers on its unix socket too.
	c, err := buildkit.Connect(ctx, buildkit.ConnectOptions{Addr: addr, TLS: buildkit.TLSOptions{
		CACert: filepath.Join(dir, "ca.pem"),
		Cert:   filepath.Join(dir, "client.pem"),
		Key:    filepath.Join(dir, "client-key.pem"),
	}})
	if err != nil {
		t.Fatalf("Connect with TLS: %v\n%s", err, d.Log())
	}
	ws, err := c.ListWorkers(ctx)
	c.Close()
	if err != nil || len(ws) == 0 {
		t.Fatalf("ListWorkers over TLS: %v (%d workers)", err, len(ws))
	}
	for name, tlsOpt := range map[string]buildkit.TLSOptions{
		"no client certificate": {CACert: filepath.Join(dir, "ca.pem")},
		"wrong CA": {
			CACert: filepath.Join(dir, "other-ca.pem"),
			Cert:   filepath.Join(dir, "client.pem"),
			Key:    filepath.Join(dir, "client-key.pem"),
		},
	} {
		_, err := buildkit.Connect(ctx, buildkit.ConnectOptions{Addr: addr, TLS: tlsOpt, Timeout: 5 * time.Second})
		var ue *buildkit.UnreachableError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), addr) {
			t.Errorf("%s: Connect = %v, want an UnreachableError naming %s", name, err, addr)
		}
	}
}

func writeCA(t *testing.T, dir, name string) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, filepath.Join(dir, name+".pem"), "CERTIFICATE", der)
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

func writeLeaf(t *testing.T, dir, name string, ca *x509.Certificate, caKey *ecdsa.PrivateKey, server bool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, filepath.Join(dir, name+".pem"), "CERTIFICATE", der)
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, filepath.Join(dir, name+"-key.pem"), "EC PRIVATE KEY", kb)
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}
