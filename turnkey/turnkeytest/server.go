// Package turnkeytest is a fake of the parts of Turnkey's API that tkauth
// calls, for tests, in the manner of net/http/httptest. It behaves as the
// real API does, refusals included:
//
//   - every request's X-Stamp must be a valid signature over the exact
//     body, in the scheme of the key's curve (P-256, secp256k1, Ed25519),
//     by an API key of the organization that Turnkey still has: a key that
//     was deleted, evicted or never registered is refused at
//     authentication ("could not find public key in organization or its
//     parent organization"), an expired one likewise ("expired api key");
//   - API keys expire: stamp_login registers the session's public key as
//     a login credential of the user that lasts as long as the session,
//     keeps at most 10 such keys a user (the oldest is evicted), and with
//     invalidateExisting deletes the user's other session keys; keys can
//     also be deleted or expired behind tkauth's back;
//   - activities must carry their type and a timestampMs; delete_api_keys
//     fails for a key that does not exist or is another user's;
//   - whoami answers for the stamping key; session profiles scope a login;
//   - activities can end in consensus-needed, rejected or failed, and any
//     request can fail or be slow, on demand.
//
// Its clock can be moved forward. Errors come in Turnkey's shape.
package turnkeytest

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
)

// Turnkey's words, as its API gives them (tkhq/sdk packages/core
// utils.ts matches on them).
const (
	MsgUnknownKey = "could not find public key in organization or its parent organization"
	MsgExpiredKey = "Unauthenticated desc = expired api key publicKey"
)

// MaxSessionKeys is how many expiring API keys a user holds; a new one
// evicts the oldest.
const MaxSessionKeys = 10

// Credential types in get_api_keys.
const (
	CredentialLogin = "CREDENTIAL_TYPE_LOGIN"
	credentialP256  = "CREDENTIAL_TYPE_API_KEY_P256"
	credentialK1    = "CREDENTIAL_TYPE_API_KEY_SECP256K1"
	credentialEd    = "CREDENTIAL_TYPE_API_KEY_ED25519"
)

// Server is the fake API. Its fields may be set before requests are made.
type Server struct {
	*httptest.Server
	Notarizer *ecdsa.PrivateKey

	mu         sync.Mutex
	keys       map[string]*apiKey // public key -> key
	orgs       map[string]string  // id -> name
	users      map[string]string  // id -> username
	profiles   map[string]Profile // id -> profile
	next       int
	skew       time.Duration // added to the real clock
	failures   []int         // statuses the next requests answer
	delay      time.Duration // before answering the next request
	pending    bool          // the next activity answers pending first
	endAs      []string      // statuses the next activities end in
	activities map[string]turnkey.Activity
	requests   []string // paths, in order
	bodies     []string // request bodies, in order
	codes      codeLogin
	// lastActivity is the ID of the activity made last.
	lastActivity string
}

// Profile is a session profile: a login with it yields a session whose
// session_type is the profile's name.
type Profile struct {
	ID, Name string
	// Expires bounds a session's lifetime (0: no bound): the session
	// lasts the smaller of the login's and this.
	Expires time.Duration
}

type apiKey struct {
	id, org, user, name, credential string
	profile                         string    // the session profile, for a session
	created, expires                time.Time // expires: zero for long-lived
}

// New starts a fake API. Close it when done.
func New() *Server {
	notarizer, _, err := session.NewPrivateKey()
	if err != nil {
		panic(err)
	}
	s := &Server{Notarizer: notarizer, keys: map[string]*apiKey{}, orgs: map[string]string{}, users: map[string]string{},
		profiles: map[string]Profile{}, activities: map[string]turnkey.Activity{}, codes: newCodeLogin()}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

func (s *Server) now() time.Time { return time.Now().Add(s.skew) }

// Advance moves the server's clock forward by d: keys expire by it.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.skew += d
}

// Name gives organization org and user Turnkey's names, as whoami says
// them (else "org ID" and "user ID").
func (s *Server) Name(org, orgName, user, username string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.orgs[org], s.users[user] = orgName, username
}

// AddAPIKey registers publicKey (hex, as Turnkey takes it) as a long-lived
// P-256 API key of user in org.
func (s *Server) AddAPIKey(org, user, publicKey string) {
	s.addKey(org, user, publicKey, credentialP256)
}

// AddExpiringAPIKey registers publicKey as a P-256 API key of user in org
// that expires after d: a long-lived key's credential type, with an
// expirationSeconds, as Turnkey allows.
func (s *Server) AddExpiringAPIKey(org, user, publicKey string, d time.Duration) {
	s.addKey(org, user, publicKey, credentialP256)
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.keys[publicKey]
	k.expires = k.created.Add(d)
}

// SessionElsewhere makes a session of user in org, lasting d, as a login
// on another device would, and returns its key's public key.
func (s *Server) SessionElsewhere(org, user string, d time.Duration) string {
	_, pub, err := session.NewPrivateKey()
	if err != nil {
		panic(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.next++
	s.keys[pub] = &apiKey{id: fmt.Sprintf("apikey-%d", s.next), org: org, user: user, name: "session", credential: CredentialLogin, created: now, expires: now.Add(d)}
	s.evict(user)
	return pub
}

func (s *Server) addKey(org, user, publicKey, credential string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.orgs[org] == "" {
		s.orgs[org] = "org " + org
	}
	if s.users[user] == "" {
		s.users[user] = "user " + user
	}
	s.next++
	s.keys[publicKey] = &apiKey{id: fmt.Sprintf("apikey-%d", s.next), org: org, user: user, name: "cli", credential: credential, created: s.now()}
}

// NewAPIKey makes a P-256 key pair and registers it as a long-lived API
// key of user in org.
func (s *Server) NewAPIKey(org, user string) session.Signer {
	return s.NewAPIKeyOn(org, user, "p256")
}

// NewAPIKeyOn makes an API key on curve (p256, secp256k1 or ed25519, as
// Turnkey's CLI makes them) and registers it as a long-lived API key of
// user in org. It returns the key, and its private key in Turnkey's CLI
// format (hex, ":curve").
func (s *Server) NewAPIKeyOn(org, user, curve string) session.Signer {
	k, _ := s.NewAPIKeyFile(org, user, curve)
	return k
}

// NewAPIKeyFile is NewAPIKeyOn, and the private key in Turnkey's CLI
// format: hex, then ":curve" unless p256.
func (s *Server) NewAPIKeyFile(org, user, curve string) (session.Signer, string) {
	var k session.Signer
	var private, credential string
	var err error
	switch curve {
	case "p256":
		priv, _, gerr := session.NewPrivateKey()
		if gerr != nil {
			panic(gerr)
		}
		private, _ = session.EncodePrivateKey(priv)
		k, err = turnkey.KeyFromHex(private)
		credential = credentialP256
	case "secp256k1":
		priv, gerr := secp256k1.GeneratePrivateKey()
		if gerr != nil {
			panic(gerr)
		}
		private = hex.EncodeToString(priv.Serialize())
		k, err = turnkey.Secp256k1KeyFromHex(private)
		private += ":secp256k1"
		credential = credentialK1
	case "ed25519":
		_, priv, gerr := ed25519.GenerateKey(rand.Reader)
		if gerr != nil {
			panic(gerr)
		}
		private = hex.EncodeToString(priv)
		k, err = turnkey.Ed25519KeyFromHex(private)
		private += ":ed25519"
		credential = credentialEd
	default:
		panic("turnkeytest: no curve " + curve)
	}
	if err != nil {
		panic(err)
	}
	s.addKey(org, user, k.PublicKey(), credential)
	return k, private
}

// AddProfile makes a session profile in org.
func (s *Server) AddProfile(id, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.profiles[id] = Profile{ID: id, Name: name}
}

// Client is a client of the fake API that retries and polls at once, so
// that tests of failures are quick.
func (s *Server) Client() *turnkey.Client {
	c := turnkey.New(s.URL)
	c.RetryBase, c.PollInterval, c.RequestTimeout = time.Millisecond, time.Millisecond, 2*time.Second
	return c
}

// HasKey reports whether publicKey is an API key Turnkey would accept now.
func (s *Server) HasKey(publicKey string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.keys[publicKey]
	return ok && !s.expired(k)
}

// DeleteKey deletes publicKey behind tkauth's back (from another machine,
// the dashboard).
func (s *Server) DeleteKey(publicKey string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.keys, publicKey)
}

// ExpireKey makes publicKey expire now.
func (s *Server) ExpireKey(publicKey string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k, ok := s.keys[publicKey]; ok {
		k.expires = s.now().Add(-time.Second)
	}
}

func (s *Server) expired(k *apiKey) bool {
	return !k.expires.IsZero() && !s.now().Before(k.expires)
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
// finds it as it ended.
func (s *Server) PendingNext() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending = true
}

// EndNextAs makes the next activities end in these statuses, one each:
// ACTIVITY_STATUS_CONSENSUS_NEEDED, _REJECTED or _FAILED; nothing they
// would do is done.
func (s *Server) EndNextAs(statuses ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.endAs = append(s.endAs, statuses...)
}

// Requests returns the paths requested so far.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Bodies returns the bodies of the requests so far.
func (s *Server) Bodies() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.bodies)
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

// activityTypes are the type each activity path must carry.
var activityTypes = map[string]string{
	"/public/v1/submit/stamp_login":     "ACTIVITY_TYPE_STAMP_LOGIN",
	"/public/v1/submit/delete_api_keys": "ACTIVITY_TYPE_DELETE_API_KEYS",
	"/public/v1/submit/init_otp":        "ACTIVITY_TYPE_INIT_OTP_V3",
	"/public/v1/submit/verify_otp":      "ACTIVITY_TYPE_VERIFY_OTP_V2",
	"/public/v1/submit/otp_login":       "ACTIVITY_TYPE_OTP_LOGIN_V2",
}

var digits = regexp.MustCompile(`^[0-9]{10,16}$`)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.requests = append(s.requests, r.URL.Path)
	s.bodies = append(s.bodies, string(body))
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
	if strings.HasPrefix(r.URL.Path, "/v1/") {
		s.proxy(w, r, body)
		return
	}
	if r.Header.Get(turnkey.AttestedHeader) != "" && r.Header.Get("X-Stamp") == "" {
		s.attested(w, r, body)
		return
	}
	signer, err := turnkey.VerifyStamp(r.Header.Get("X-Stamp"), body)
	if err != nil {
		writeError(w, http.StatusUnauthorized, 16, "invalid stamp: "+err.Error())
		return
	}
	var req request
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, 3, "malformed request")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.orgs[req.OrganizationID] == "" {
		writeError(w, http.StatusNotFound, 5, "organization not found: "+req.OrganizationID)
		return
	}
	k, ok := s.keys[signer]
	fromParent := ok && k.org != req.OrganizationID && s.codes.parents[req.OrganizationID] == k.org
	switch {
	case !ok || (k.org != req.OrganizationID && !fromParent):
		writeError(w, http.StatusUnauthorized, 16, MsgUnknownKey)
		return
	case s.expired(k):
		writeError(w, http.StatusUnauthorized, 16, MsgExpiredKey+" "+signer)
		return
	case fromParent && !strings.HasPrefix(r.URL.Path, "/public/v1/query/") && r.URL.Path != "/public/v1/submit/otp_login":
		// A parent organization reads its sub-organizations; it does not
		// act in them.
		writeError(w, http.StatusForbidden, 7, MsgParentReadOnly)
		return
	}
	if !req.wellFormed(w, r.URL.Path) {
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
		writeJSON(w, map[string]any{"activity": a})
	case "/public/v1/query/whoami":
		writeJSON(w, map[string]string{"organizationId": k.org, "organizationName": s.orgs[k.org], "userId": k.user, "username": s.users[k.user]})
	case "/public/v1/query/get_api_keys":
		list := []map[string]any{}
		for pub, key := range s.keys {
			if key.user == req.UserID && key.org == req.OrganizationID && !s.expired(key) {
				cred := map[string]string{"publicKey": pub, "type": key.credential}
				if key.profile != "" {
					cred["sessionProfileId"] = key.profile
				}
				ts := map[string]string{"seconds": strconv.FormatInt(key.created.Unix(), 10), "nanos": strconv.Itoa(key.created.Nanosecond())}
				entry := map[string]any{"apiKeyId": key.id, "apiKeyName": key.name, "credential": cred, "createdAt": ts, "updatedAt": ts}
				if !key.expires.IsZero() {
					entry["expirationSeconds"] = strconv.Itoa(int(key.expires.Sub(key.created) / time.Second))
				}
				list = append(list, entry)
			}
		}
		writeJSON(w, map[string]any{"apiKeys": list})
	case "/public/v1/submit/delete_api_keys":
		s.deleteAPIKeys(w, req.OrganizationID, req.Parameters)
	case "/public/v1/submit/init_otp":
		s.initOTPActivity(w, req.OrganizationID, req.Parameters)
	case "/public/v1/submit/verify_otp":
		s.verifyOTPActivity(w, req.OrganizationID, req.Parameters)
	case "/public/v1/submit/otp_login":
		s.otpLogin(w, req.OrganizationID, req.Parameters)
	case "/public/v1/query/list_verified_suborgs":
		s.verifiedSubOrgs(w, req.OrganizationID, body)
	case "/public/v1/query/get_mfa_status":
		s.mfaStatus(w, req.ActivityID)
	default:
		writeError(w, http.StatusNotFound, 5, "no such endpoint")
	}
}

// request is the envelope of every request.
type request struct {
	Type           string          `json:"type"`
	TimestampMs    string          `json:"timestampMs"`
	OrganizationID string          `json:"organizationId"`
	Parameters     json.RawMessage `json:"parameters"`
	UserID         string          `json:"userId"`
	ActivityID     string          `json:"activityId"`
}

// wellFormed refuses an activity to path without its type or a
// timestampMs, as Turnkey does.
func (req request) wellFormed(w http.ResponseWriter, path string) bool {
	typ, isActivity := activityTypes[path]
	switch {
	case !isActivity:
	case req.Type != typ:
		writeError(w, http.StatusBadRequest, 3, fmt.Sprintf("invalid activity type %q for this endpoint, want %s", req.Type, typ))
		return false
	case !digits.MatchString(req.TimestampMs):
		writeError(w, http.StatusBadRequest, 3, "timestampMs must be a string of milliseconds")
		return false
	}
	return true
}

func (s *Server) deleteAPIKeys(w http.ResponseWriter, org string, params json.RawMessage) {
	var p struct {
		UserID    string   `json:"userId"`
		APIKeyIDs []string `json:"apiKeyIds"`
	}
	if err := json.Unmarshal(params, &p); err != nil || p.UserID == "" || len(p.APIKeyIDs) == 0 {
		writeError(w, http.StatusBadRequest, 3, "malformed parameters: userId and apiKeyIds are required")
		return
	}
	doomed := map[string]bool{}
	for _, id := range p.APIKeyIDs {
		found := false
		for pub, key := range s.keys {
			if key.id == id && key.user == p.UserID && key.org == org {
				doomed[pub], found = true, true
			}
		}
		if !found {
			// Nothing is deleted.
			writeError(w, http.StatusNotFound, 5, fmt.Sprintf("api key not found for user %s: %s", p.UserID, id))
			return
		}
	}
	s.finish(w, "ACTIVITY_TYPE_DELETE_API_KEYS", org, map[string]any{"deleteApiKeysResult": map[string]any{"apiKeyIds": p.APIKeyIDs}}, func() {
		for pub := range doomed {
			delete(s.keys, pub)
		}
	})
}

func (s *Server) stampLogin(w http.ResponseWriter, k *apiKey, org string, params json.RawMessage) {
	p, ok := readLogin(w, params)
	if ok {
		s.issue(w, "ACTIVITY_TYPE_STAMP_LOGIN", "stampLoginResult", org, k.user, p, nil)
	}
}

// loginParams are a login activity's parameters.
type loginParams struct {
	PublicKey          string                   `json:"publicKey"`
	ExpirationSeconds  string                   `json:"expirationSeconds"`
	InvalidateExisting bool                     `json:"invalidateExisting"`
	SessionProfileID   string                   `json:"sessionProfileId"`
	VerificationToken  string                   `json:"verificationToken"`
	ClientSignature    *turnkey.ClientSignature `json:"clientSignature"`
}

// readLogin reads and checks a login's parameters, answering the refusal.
func readLogin(w http.ResponseWriter, params json.RawMessage) (loginParams, bool) {
	var p loginParams
	if err := json.Unmarshal(params, &p); err != nil {
		writeError(w, http.StatusBadRequest, 3, "malformed parameters")
		return p, false
	}
	if _, err := session.ParsePublicKey(p.PublicKey); err != nil {
		writeError(w, http.StatusBadRequest, 3, "invalid publicKey: "+err.Error())
		return p, false
	}
	if p.ExpirationSeconds != "" {
		n, err := strconv.Atoi(p.ExpirationSeconds)
		if err != nil || n <= 0 || n > 31536000 {
			writeError(w, http.StatusBadRequest, 3, "invalid expirationSeconds: "+p.ExpirationSeconds)
			return p, false
		}
	}
	return p, true
}

// issue answers a login activity of type typ for user in org: a session
// bound to p.PublicKey, in p's profile, its key registered as a login
// credential; with invalidateExisting, the user's other sessions end.
// before, if set, runs when the activity completes (a token consumed).
func (s *Server) issue(w http.ResponseWriter, typ, result, org, user string, p loginParams, before func()) {
	secs := 900
	if p.ExpirationSeconds != "" {
		secs, _ = strconv.Atoi(p.ExpirationSeconds)
	}
	life := time.Duration(secs) * time.Second
	kind := session.ReadWrite
	if p.SessionProfileID != "" {
		prof, ok := s.profiles[p.SessionProfileID]
		if !ok {
			writeError(w, http.StatusNotFound, 5, "session profile not found: "+p.SessionProfileID)
			return
		}
		kind = session.Type(prof.Name)
		if prof.Expires > 0 && prof.Expires < life {
			life = prof.Expires
		}
	}
	now := s.now()
	tok, err := session.NewToken(session.Claims{
		Expiry: now.Add(life), PublicKey: p.PublicKey,
		Type: kind, UserID: user, OrganizationID: org, SessionProfileID: p.SessionProfileID,
	}, s.Notarizer)
	if err != nil {
		writeError(w, http.StatusInternalServerError, 13, err.Error())
		return
	}
	s.finishFor(w, typ, org, user, map[string]any{result: map[string]string{"session": tok}}, func() {
		if before != nil {
			before()
		}
		if p.InvalidateExisting {
			for pub, key := range s.keys {
				if key.user == user && key.credential == CredentialLogin {
					delete(s.keys, pub)
				}
			}
		}
		s.next++
		s.keys[p.PublicKey] = &apiKey{id: fmt.Sprintf("apikey-%d", s.next), org: org, user: user, name: "session",
			credential: CredentialLogin, profile: p.SessionProfileID, created: now, expires: now.Add(life)}
		s.evict(user)
	})
}

// evict deletes user's oldest expiring keys past MaxSessionKeys.
func (s *Server) evict(user string) {
	var expiring []string
	for pub, key := range s.keys {
		if key.user == user && !key.expires.IsZero() {
			expiring = append(expiring, pub)
		}
	}
	slices.SortFunc(expiring, func(a, b string) int { return s.keys[a].created.Compare(s.keys[b].created) })
	for len(expiring) > MaxSessionKeys {
		delete(s.keys, expiring[0])
		expiring = expiring[1:]
	}
}

// finish answers an activity: completed (doing do), pending once if
// asked, or ended as EndNextAs says (doing nothing).
func (s *Server) finish(w http.ResponseWriter, typ, org string, res map[string]any, do func()) {
	s.finishFor(w, typ, org, "", res, do)
}

// finishFor is finish for an activity of user, which waits for the
// authenticators RequireMFA asks of that user.
func (s *Server) finishFor(w http.ResponseWriter, typ, org, user string, res map[string]any, do func()) {
	status := "ACTIVITY_STATUS_COMPLETED"
	if len(s.endAs) > 0 {
		status, s.endAs = s.endAs[0], s.endAs[1:]
	}
	s.next++
	id := fmt.Sprintf("activity-%d", s.next)
	a := turnkey.Activity{ID: id, OrganizationID: org, Status: status, Type: typ}
	if need := s.codes.mfa[user]; user != "" && len(need) > 0 && status == "ACTIVITY_STATUS_COMPLETED" {
		a.Status = turnkey.StatusAuthenticatorsNeeded
		s.codes.waiting[id] = mfaWait{need: need, user: user, complete: func() {
			raw, _ := json.Marshal(res)
			json.Unmarshal(raw, &a.Result)
			a.Status = "ACTIVITY_STATUS_COMPLETED"
			do()
			s.activities[id] = a
		}}
		s.activities[id] = a
		s.lastActivity = id
		writeJSON(w, map[string]any{"activity": a})
		return
	}
	switch status {
	case "ACTIVITY_STATUS_COMPLETED":
		raw, _ := json.Marshal(res)
		json.Unmarshal(raw, &a.Result)
		do()
	case "ACTIVITY_STATUS_FAILED":
		a.Failure = &turnkey.Failure{Code: 3, Message: "the activity failed in the enclave"}
	}
	s.activities[id] = a
	s.lastActivity = id
	if s.pending {
		s.pending = false
		a.Status = "ACTIVITY_STATUS_PENDING"
		a.Result = turnkey.Activity{}.Result
		a.Failure = nil
	}
	writeJSON(w, map[string]any{"activity": a})
}
