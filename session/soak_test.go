package session_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

// The soak: soakProcs processes each make -soak-ops random changes (add,
// switch, logout, prune) to one store on the real keyring, logging those
// that succeeded. CI runs the short default; the full run is
//
//	scripts/with-keyring go test ./session -run Soak -soak-ops 200 -v
var soakOps = flag.Int("soak-ops", 40, "random operations per process in TestSoak")

const (
	soakProcs   = 8
	soakDirEnv  = "TKAUTH_TEST_SOAK_DIR"
	soakIDEnv   = "TKAUTH_TEST_SOAK_ID"
	soakOpsEnv  = "TKAUTH_TEST_SOAK_OPS"
	soakSvcEnv  = "TKAUTH_TEST_SOAK_SERVICE"
	soakLogName = "soak-%d.log"
)

// soakEntry is one succeeded operation in a process's log.
type soakEntry struct {
	Op  string `json:"op"`
	Key string `json:"key,omitempty"`
	Pub string `json:"pub,omitempty"`
}

// soakKeys is the real keyring under the soak's own service, or the test
// is skipped (failed under CI).
func soakKeys(t *testing.T) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	service := "tkauth-soak-" + hex.EncodeToString(b)
	if err := store.NewSystemKeys(service, 5*time.Second).Probe(context.Background()); err != nil {
		msg := "no Secret Service to soak against (" + err.Error() + "); run under scripts/with-keyring, as .ci/run does"
		if os.Getenv("TKAUTH_REQUIRE_KEYRING") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	t.Cleanup(func() { exec.Command("secret-tool", "clear", "service", service).Run() })
	return service
}

// soakWorker is one process of the soak. It touches only its own session
// keys, so what its log implies about them is exact however it interleaves
// with the others.
func soakWorker(dir, service string, id, ops int) (errs int, err error) {
	ctx := context.Background()
	m := session.NewManager(store.NewFile(dir), store.NewSystemKeys(service, 10*time.Second))
	notarizer, _, err := session.NewPrivateKey()
	if err != nil {
		return 0, err
	}
	logf, err := os.Create(filepath.Join(dir, fmt.Sprintf(soakLogName, id)))
	if err != nil {
		return 0, err
	}
	defer logf.Close()
	log := json.NewEncoder(logf)
	rng := mrand.New(mrand.NewPCG(uint64(id), uint64(time.Now().UnixNano())))
	var live []string
	n := 0
	for range ops {
		op := []string{"add", "add", "switch", "logout", "prune"}[rng.IntN(5)]
		if len(live) == 0 && (op == "switch" || op == "logout") {
			op = "add"
		}
		var e soakEntry
		var err error
		switch op {
		case "add":
			var pub, tok string
			if pub, err = m.CreateKeyPair(ctx); err == nil {
				tok, err = session.NewToken(session.Claims{Expiry: time.Now().Add(time.Hour), PublicKey: pub, Type: session.ReadWrite, UserID: strconv.Itoa(id), OrganizationID: "o"}, notarizer)
			}
			key := fmt.Sprintf("w%d-%03d", id, n)
			n++
			if err == nil {
				_, err = m.StoreSession(ctx, tok, key)
			}
			if err == nil {
				live = append(live, key)
				e = soakEntry{Op: "add", Key: key, Pub: pub}
			}
		case "switch":
			key := live[rng.IntN(len(live))]
			if err = m.SetActive(ctx, key); err == nil {
				e = soakEntry{Op: "switch", Key: key}
			}
		case "logout":
			i := rng.IntN(len(live))
			if _, err = m.Logout(ctx, live[i]); err == nil {
				e = soakEntry{Op: "logout", Key: live[i]}
				live = slices.Delete(live, i, i+1)
			}
		case "prune":
			if _, err = m.ClearUnusedKeyPairs(ctx, false); err == nil {
				e = soakEntry{Op: "prune"}
			}
		}
		if err != nil {
			errs++
			fmt.Fprintf(os.Stderr, "worker %d: %s: %v\n", id, op, err)
			continue
		}
		if err := log.Encode(e); err != nil {
			return errs, err
		}
	}
	return errs, nil
}

func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("the soak runs many processes on the real keyring")
	}
	service := soakKeys(t)
	dir := t.TempDir()
	start := time.Now()
	var wg sync.WaitGroup
	outs := make([][]byte, soakProcs)
	for w := range soakProcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), soakDirEnv+"="+dir, soakIDEnv+"="+strconv.Itoa(w), soakOpsEnv+"="+strconv.Itoa(*soakOps), soakSvcEnv+"="+service)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Errorf("worker %d: %v\n%s", w, err, out)
			}
			outs[w] = out
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	// Replay the logs: the sessions each process left, and their key pairs.
	want := map[string]string{}
	done := 0
	for w := range soakProcs {
		f, err := os.Open(filepath.Join(dir, fmt.Sprintf(soakLogName, w)))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var e soakEntry
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				t.Fatal(err)
			}
			done++
			switch e.Op {
			case "add":
				want[e.Key] = e.Pub
			case "logout":
				delete(want, e.Key)
			}
		}
		f.Close()
	}
	errors := 0
	for _, out := range outs {
		for _, line := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(line, "worker ") {
				errors++
				t.Log(line)
			}
		}
	}

	ctx := context.Background()
	keys := store.NewSystemKeys(service, 10*time.Second)
	m := session.NewManager(store.NewFile(dir), keys)
	st, err := m.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for k, s := range st.Sessions {
		got[k] = s.PublicKey
	}
	for k, pub := range want {
		if got[k] != pub {
			t.Errorf("session %s: stored on %q, the logs say %s", k, got[k], pub)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("session %s is stored, but the logs logged it out", k)
		}
	}
	if _, ok := st.Sessions[st.Active]; st.Active != "" && !ok {
		t.Errorf("active %q is not stored", st.Active)
	}
	// Every live session's key pair is indexed and in the keyring.
	for k, pub := range want {
		if _, ok := st.KeyPairs[pub]; !ok {
			t.Errorf("session %s: key pair %s not in tkauth's index", k, session.Short(pub))
		}
		if has, err := keys.Has(ctx, pub); !has || err != nil {
			t.Errorf("session %s: key pair %s not in the keyring (%v)", k, session.Short(pub), err)
		}
	}
	// After one more prune, the keyring holds exactly those key pairs.
	if _, err := m.ClearUnusedKeyPairs(ctx, true); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("secret-tool", "search", "--all", "service", service).Output()
	if err != nil {
		t.Fatal(err)
	}
	items := strings.Count(string(out), "\n[/")
	if strings.HasPrefix(string(out), "[/") {
		items++
	}
	live := map[string]bool{}
	for _, pub := range want {
		live[pub] = true
	}
	if items != len(live) {
		t.Errorf("keyring holds %d items, the live sessions use %d key pairs", items, len(live))
	}
	t.Logf("soak: %d processes x %d operations in %s: %d succeeded (%.0f/s), %d errors; %d sessions and %d key pairs left",
		soakProcs, *soakOps, elapsed.Round(time.Millisecond), done, float64(done)/elapsed.Seconds(), errors, len(want), len(live))
	if errors > 0 {
		t.Errorf("%d operations failed", errors)
	}
}
