// Package turnkeytest is a fake of the parts of Turnkey's API that tkauth
// calls, for tests, in the manner of net/http/httptest. It behaves as the
// API spec says: every request's X-Stamp must be a valid signature over
// the exact body by an API key registered in the organization; stamp_login
// issues a session JWT (signed by a test notarizer, so it is unverified) and
// registers its public key as an expiring API key of the user; errors come
// in Turnkey's shape. It also fails on demand.
package turnkeytest

import (
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
)

// Server is the fake API. Its fields may be set before requests are made.
type Server struct {
	*httptest.Server
	Notarizer *ecdsa.PrivateKey

	mu         sync.Mutex
	keys       map[string]*apiKey // public key -> key
	orgs       map[string]bool
	next       int
	failures   []int         // statuses the next requests answer
	delay      time.Duration // before answering the next request
	pending    bool          // the next activity answers pending first
	activities map[string]turnkey.Activity
	requests   []string // paths, in order
}

type apiKey struct {
	id, org, user, name string
	expiring            bool
}

// New starts a fake API. Close it when done.
func New() *Server {
	notarizer, _, err := session.NewPrivateKey()
	if err != nil {
		panic(err)
	}
	s := &Server{Notarizer: notarizer, keys: map[string]*apiKey{}, orgs: map[string]bool{}, activities: map[string]turnkey.Activity{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// AddAPIKey registers publicKey as a long-lived API key of user in org.
func (s *Server) AddAPIKey(org, user, publicKey string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.orgs[org] = true
	s.next++
	s.keys[publicKey] = &apiKey{id: fmt.Sprintf("apikey-%d", s.next), org: org, user: user, name: "cli"}
}

// NewAPIKey makes a P-256 key pair and registers it as a long-lived API
// key of user in org.
func (s *Server) NewAPIKey(org, user string) session.Signer {
	priv, pub, err := session.NewPrivateKey()
	if err != nil {
		panic(err)
	}
	s.AddAPIKey(org, user, pub)
	return session.Signer{PublicKey: pub, Private: priv}
}

// Client is a client of the fake API that retries and polls at once, so
// that tests of failures are quick.
func (s *Server) Client() *turnkey.Client {
	c := turnkey.New(s.URL)
	c.RetryBase, c.PollInterval, c.RequestTimeout = time.Millisecond, time.Millisecond, 2*time.Second
	return c
}

// HasKey reports whether publicKey is a registered API key.
func (s *Server) HasKey(publicKey string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.keys[publicKey]
	return ok
}

// FailNext makes the next requests answer these statuses, one each.
func (s *Server) FailNext(statuses ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, statuses...)
}

// DelayNext makes the next request wait d before answering.
func (s *Server) DelayNext(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// PendingNext makes the next activity answer pending; get_activity then
// finds it completed.
func (s *Server) PendingNext() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending = true
}

// Requests returns the paths requested so far.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

func writeError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"code": code, "message": msg, "details": []any{}})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.requests = append(s.requests, r.URL.Path)
	delay := s.delay
	s.delay = 0
	var fail int
	if len(s.failures) > 0 {
		fail, s.failures = s.failures[0], s.failures[1:]
	}
	s.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	if fail != 0 {
		writeError(w, fail, 14, http.StatusText(fail))
		return
	}
	if r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, 12, "POST only")
		return
	}
	signer, err := turnkey.VerifyStamp(r.Header.Get("X-Stamp"), body)
	if err != nil {
		writeError(w, http.StatusUnauthorized, 16, "invalid stamp: "+err.Error())
		return
	}
	var req struct {
		OrganizationID string          `json:"organizationId"`
		Parameters     json.RawMessage `json:"parameters"`
		UserID         string          `json:"userId"`
		ActivityID     string          `json:"activityId"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, 3, "malformed request")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.orgs[req.OrganizationID] {
		writeError(w, http.StatusNotFound, 5, "organization not found: "+req.OrganizationID)
		return
	}
	k, ok := s.keys[signer]
	if !ok || k.org != req.OrganizationID {
		writeError(w, http.StatusUnauthorized, 16, "could not find public key in organization")
		return
	}
	switch r.URL.Path {
	case "/public/v1/submit/stamp_login":
		s.stampLogin(w, k, req.OrganizationID, req.Parameters)
	case "/public/v1/query/get_activity":
		a, ok := s.activities[req.ActivityID]
		if !ok {
			writeError(w, http.StatusNotFound, 5, "activity not found")
			return
		}
		a.Status = "ACTIVITY_STATUS_COMPLETED"
		writeJSON(w, map[string]any{"activity": a})
	case "/public/v1/query/get_api_keys":
		var list []map[string]any
		for pub, key := range s.keys {
			if key.user == req.UserID && key.org == req.OrganizationID {
				list = append(list, map[string]any{"apiKeyId": key.id, "apiKeyName": key.name, "credential": map[string]string{"publicKey": pub, "type": "CREDENTIAL_TYPE_API_KEY_P256"}})
			}
		}
		writeJSON(w, map[string]any{"apiKeys": list})
	case "/public/v1/submit/delete_api_keys":
		var p struct {
			UserID    string   `json:"userId"`
			APIKeyIDs []string `json:"apiKeyIds"`
		}
		json.Unmarshal(req.Parameters, &p)
		for pub, key := range s.keys {
			for _, id := range p.APIKeyIDs {
				if key.id == id && key.user == p.UserID {
					delete(s.keys, pub)
				}
			}
		}
		s.finish(w, "ACTIVITY_TYPE_DELETE_API_KEYS", req.OrganizationID, map[string]any{"deleteApiKeysResult": map[string]any{"apiKeyIds": p.APIKeyIDs}})
	default:
		writeError(w, http.StatusNotFound, 5, "no such endpoint")
	}
}

func (s *Server) stampLogin(w http.ResponseWriter, k *apiKey, org string, params json.RawMessage) {
	var p struct {
		PublicKey          string `json:"publicKey"`
		ExpirationSeconds  string `json:"expirationSeconds"`
		InvalidateExisting bool   `json:"invalidateExisting"`
	}
	if err := json.Unmarshal(params, &p); err != nil {
		writeError(w, http.StatusBadRequest, 3, "malformed parameters")
		return
	}
	if _, err := session.ParsePublicKey(p.PublicKey); err != nil {
		writeError(w, http.StatusBadRequest, 3, "invalid publicKey: "+err.Error())
		return
	}
	secs, err := strconv.Atoi(p.ExpirationSeconds)
	if err != nil || secs <= 0 {
		secs = 900
	}
	if p.InvalidateExisting {
		for pub, key := range s.keys {
			if key.user == k.user && key.expiring {
				delete(s.keys, pub)
			}
		}
	}
	s.next++
	s.keys[p.PublicKey] = &apiKey{id: fmt.Sprintf("apikey-%d", s.next), org: org, user: k.user, name: "session", expiring: true}
	tok, err := session.NewToken(session.Claims{
		Expiry: time.Now().Add(time.Duration(secs) * time.Second), PublicKey: p.PublicKey,
		Type: session.ReadWrite, UserID: k.user, OrganizationID: org,
	}, s.Notarizer)
	if err != nil {
		writeError(w, http.StatusInternalServerError, 13, err.Error())
		return
	}
	s.finish(w, "ACTIVITY_TYPE_STAMP_LOGIN", org, map[string]any{"stampLoginResult": map[string]string{"session": tok}})
}

// finish answers an activity: completed, or pending once if asked.
func (s *Server) finish(w http.ResponseWriter, typ, org string, res map[string]any) {
	s.next++
	id := fmt.Sprintf("activity-%d", s.next)
	raw, _ := json.Marshal(res)
	a := turnkey.Activity{ID: id, OrganizationID: org, Status: "ACTIVITY_STATUS_COMPLETED", Type: typ}
	json.Unmarshal(raw, &a.Result)
	s.activities[id] = a
	if s.pending {
		s.pending = false
		a.Status = "ACTIVITY_STATUS_PENDING"
		a.Result = turnkey.Activity{}.Result
	}
	writeJSON(w, map[string]any{"activity": a})
}
