package e2e

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
)

// hostile is text that drives a terminal: a clipboard write (OSC 52) and
// a screen clear.
const hostile = "\x1b]52;c;cHduZWQ=\x07\x1b[2J"

// tlsServerNamed starts an HTTPS server on localhost whose certificate,
// signed by a CA of its own, is valid for names and not for localhost,
// and returns its URL and the CA's file, for SSL_CERT_FILE.
func tlsServerNamed(t *testing.T, names ...string) (string, string) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: names[0]},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: names, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("a request reached the server whose certificate does not match: %s", r.URL)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshakes fail: that is the test
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	return "https://localhost:" + port, caFile
}

// connectProxy is a forward proxy on loopback that answers every CONNECT
// with status, and forwards nothing.
func connectProxy(t *testing.T, status string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil || line == "\r\n" {
						break
					}
				}
				fmt.Fprintf(c, "HTTP/1.1 %s\r\nContent-Length: 0\r\n\r\n", status)
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// What a machine in the middle says reaches the terminal escaped, in
// every command that talks to Turnkey: the names in a certificate that
// does not match the host, a proxy's answer to CONNECT.
func TestTheNetworkCannotDriveTheTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, home := buildTkauth(t), t.TempDir()
	keyFile := filepath.Join(t.TempDir(), "api.private")
	priv, _, err := session.NewPrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	hexKey, _ := session.EncodePrivateKey(priv)
	if err := os.WriteFile(keyFile, []byte(hexKey), 0o600); err != nil {
		t.Fatal(err)
	}
	base := append(os.Environ(), "TKAUTH_HOME="+home, "TKAUTH_KEYRING=file", "NO_PROXY=", "no_proxy=")
	pub := strings.TrimSpace(runBin(t, bin, base, "", "keys", "create").out)
	if r := runBin(t, bin, base, token(t, pub, time.Hour), "add"); r.code != 0 {
		t.Fatalf("add: %q", r.errOut)
	}

	certURL, caFile := tlsServerNamed(t, "turnkey"+hostile+".example", "x"+hostile)
	proxyURL := connectProxy(t, "403 Forbidden"+hostile)
	for _, tt := range []struct {
		name string
		env  []string
		url  string
	}{
		{"a certificate for other names", []string{"SSL_CERT_FILE=" + caFile}, certURL},
		{"a proxy's answer to CONNECT", []string{"HTTPS_PROXY=" + proxyURL, "https_proxy=" + proxyURL}, "https://turnkey.invalid"},
	} {
		env := append(append([]string{}, base...), tt.env...)
		for _, args := range [][]string{
			{"login", "--org", "o", "--api-key-file", keyFile, "--api-url", tt.url},
			// The session was added: it records no API, and goes only
			// where --other-api says.
			{"api", "query/whoami", "--other-api", "--api-url", tt.url},
			{"refresh", "--other-api", "--api-url", tt.url},
			{"logout", "--revoke", "--yes", "--other-api", "--api-url", tt.url},
			{"logout", "--revoke", "--yes", "--api-key-file", keyFile, "--other-api", "--api-url", tt.url},
			{"status", "--check", "--other-api", "--api-url", tt.url},
			{"list", "--check", "--json", "--other-api", "--api-url", tt.url},
		} {
			r := runBin(t, bin, env, "", args...)
			// status and list say Turnkey is unreachable, and exit 0
			if r.code == 0 && args[0] != "list" && args[0] != "status" {
				t.Errorf("%s: %v succeeded: %q", tt.name, args, r.out)
			}
			if strings.ContainsAny(r.out+r.errOut, "\x1b\x07") {
				t.Errorf("%s: %v printed raw escapes: %q", tt.name, args[0], r.errOut)
			}
			if args[0] != "list" && !strings.Contains(r.out+r.errOut, `\x1b]52;c;cHduZWQ=\x07`) {
				t.Errorf("%s: %v does not show what the network said, escaped: %q", tt.name, args, r.errOut)
			}
		}
	}
}
