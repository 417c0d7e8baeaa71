package session_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tkauth/tkauth/internal/testenv"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

const (
	workers        = 6
	opsEach        = 20
	workerDirEnv   = "TKAUTH_TEST_WORKER_DIR"
	workerIndexEnv = "TKAUTH_TEST_WORKER"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashDirEnv); dir != "" {
		at, _ := strconv.Atoi(os.Getenv(crashAtEnv))
		if err := crashChild(dir, os.Getenv(crashOpEnv), at); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if dir := os.Getenv(soakDirEnv); dir != "" {
		id, _ := strconv.Atoi(os.Getenv(soakIDEnv))
		ops, _ := strconv.Atoi(os.Getenv(soakOpsEnv))
		if _, err := soakWorker(dir, os.Getenv(soakSvcEnv), id, ops); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if dir := os.Getenv(workerDirEnv); dir != "" {
		if err := worker(dir, os.Getenv(workerIndexEnv)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	testenv.Main(m) // the workers above take the environment they are given
}

// worker stores opsEach sessions, each on a key pair of its own, logs out
// every other one as soon as the next is stored, and switches the active
// session as it goes, all while other workers do the same.
func worker(dir, id string) error {
	ctx := context.Background()
	m := session.NewManager(store.NewFile(dir), store.NewFileKeys(dir))
	notarizer, _, err := session.NewPrivateKey()
	if err != nil {
		return err
	}
	for i := range opsEach {
		pub, err := m.CreateKeyPair(ctx)
		if err != nil {
			return err
		}
		tok, err := session.NewToken(session.Claims{Expiry: time.Now().Add(time.Hour), PublicKey: pub, Type: session.ReadWrite, UserID: id, OrganizationID: "o"}, notarizer)
		if err != nil {
			return err
		}
		key := fmt.Sprintf("w%s-%02d", id, i)
		if _, err := m.StoreSession(ctx, tok, key); err != nil {
			return err
		}
		if i%2 == 1 {
			if _, err := m.Logout(ctx, fmt.Sprintf("w%s-%02d", id, i-1)); err != nil {
				return err
			}
			if err := m.SetActive(ctx, key); err != nil {
				return err
			}
		}
	}
	return nil
}

func TestManyProcessesLoseNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts several processes")
	}
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), workerDirEnv+"="+dir, workerIndexEnv+"="+strconv.Itoa(w))
			if out, err := cmd.CombinedOutput(); err != nil {
				errs[w] = fmt.Errorf("worker %d: %v\n%s", w, err, out)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}

	st, err := store.NewFile(dir).Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for w := range workers {
		for i := 1; i < opsEach; i += 2 {
			want = append(want, fmt.Sprintf("w%d-%02d", w, i))
		}
	}
	var got, pubs []string
	for _, s := range st.List() {
		got = append(got, s.Key)
		pubs = append(pubs, s.PublicKey)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("stored sessions:\n%q\nwant\n%q", got, want)
	}
	if _, ok := st.Sessions[st.Active]; !ok || !strings.HasSuffix(st.Active, fmt.Sprintf("-%02d", opsEach-1)) {
		t.Errorf("active = %q, want some worker's last session", st.Active)
	}
	// The index and the key files hold exactly the surviving sessions'
	// key pairs: none leaked, none lost, none left marked Deleting.
	slices.Sort(pubs)
	var indexed []string
	for pub, kp := range st.KeyPairs {
		indexed = append(indexed, pub)
		if kp.Deleting {
			t.Errorf("key pair %s left marked Deleting", pub)
		}
	}
	slices.Sort(indexed)
	if !slices.Equal(indexed, pubs) {
		t.Errorf("indexed key pairs %d, sessions' key pairs %d", len(indexed), len(pubs))
	}
	files, _ := filepath.Glob(filepath.Join(store.NewFileKeys(dir).Dir(), "*.private"))
	var onDisk []string
	for _, f := range files {
		onDisk = append(onDisk, strings.TrimSuffix(filepath.Base(f), ".private"))
	}
	slices.Sort(onDisk)
	if !slices.Equal(onDisk, pubs) {
		t.Errorf("key files %d, sessions' key pairs %d", len(onDisk), len(pubs))
	}
}
