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
//   - whoami answers for the stamping key; session profiles scope a login,
//     and a session's scope is evaluated on every request it signs, as
//     is a policy that denies (code 7);
//   - activities can end in consensus-needed, rejected or failed, and any
//     request can fail or be slow, on demand.
//
// Its clock can be moved forward. Errors come in Turnkey's shape. What
// only Turnkey does lives here, not in the client: checking stamps and
// client signatures, and the enclave's side of code login (signing target
// bundles and verification tokens, opening the encrypted code).
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
	"github.com/tkauth/tkauth/turnkey/internal/wire"
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
	activities map[string]wire.Activity
	requests   []string // paths, in order
	bodies     []string // request bodies, in order
	codes      codeLogin
	// lastActivity is the ID of the activity made last.
	lastActivity string
	denied       map[string][]wire.ActivityType // user -> activity types a policy denies
	consensus    map[string]*consensusWait      // activity ID -> approvals it waits for
	misbehave    misbehaviour
	oauth        oidcState
}

// Profile is a session profile: a login with it yields a session whose
// session_type is the profile's name.
type Profile struct {
	ID, Name string
	// Scope is the profile's scope, in Turnkey's policy language (the part
	// parseScope reads); the session's scope claim, evaluated on every
	// request the session signs.
	Scope string
	scope scope
	// Expires bounds a session's lifetime (0: no bound): the session
	// lasts the smaller of the login's and this.
	Expires time.Duration
}

type apiKey struct {
	id, org, user, name string
	credential          wire.CredentialType
	profile             string    // the session profile, for a session
	created, expires    time.Time // expires: zero for long-lived
}

// New starts a fake API. Close it when done.
func New() *Server {
	notarizer, _, err := session.NewPrivateKey()
	if err != nil {
		panic(err)
	}
	s := &Server{Notarizer: notarizer, keys: map[string]*apiKey{}, orgs: map[string]string{}, users: map[string]string{},
		profiles: map[string]Profile{}, activities: map[string]wire.Activity{}, codes: newCodeLogin(), consensus: map[string]*consensusWait{}}
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
	s.addKey(org, user, publicKey, wire.CredentialTypeAPIKeyP256)
}

// AddExpiringAPIKey registers publicKey as a P-256 API key of user in org
// that expires after d: a long-lived key's credential type, with an
// expirationSeconds, as Turnkey allows.
func (s *Server) AddExpiringAPIKey(org, user, publicKey string, d time.Duration) {
	s.addKey(org, user, publicKey, wire.CredentialTypeAPIKeyP256)
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
	s.keys[pub] = &apiKey{id: fmt.Sprintf("apikey-%d", s.next), org: org, user: user, name: "session", credential: wire.CredentialTypeLogin, created: now, expires: now.Add(d)}
	s.evict(user)
	return pub
}

func (s *Server) addKey(org, user, publicKey string, credential wire.CredentialType) {
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
	var private string
	var credential wire.CredentialType
	var err error
	switch curve {
	case "p256":
		priv, _, gerr := session.NewPrivateKey()
		if gerr != nil {
			panic(gerr)
		}
		private, _ = session.EncodePrivateKey(priv)
		k, err = turnkey.KeyFromHex(private)
		credential = wire.CredentialTypeAPIKeyP256
	case "secp256k1":
		priv, gerr := secp256k1.GeneratePrivateKey()
		if gerr != nil {
			panic(gerr)
		}
		private = hex.EncodeToString(priv.Serialize()) + ":secp256k1"
		k, _, err = turnkey.ParseKey(private)
		credential = wire.CredentialTypeAPIKeySecp256k1
	case "ed25519":
		_, priv, gerr := ed25519.GenerateKey(rand.Reader)
		if gerr != nil {
			panic(gerr)
		}
		private = hex.EncodeToString(priv) + ":ed25519"
		k, _, err = turnkey.ParseKey(private)
		credential = wire.CredentialTypeAPIKeyEd25519
	default:
		panic("turnkeytest: no curve " + curve)
	}
	if err != nil {
		panic(err)
	}
	s.addKey(org, user, k.PublicKey(), credential)
	return k, private
}

// AddProfile makes a session profile in org whose scope allows
// everything ("true").
func (s *Server) AddProfile(id, name string) {
	s.AddScopedProfile(id, name, "true")
}

// AddScopedProfile makes a session profile whose sessions may make only
// the requests scope allows, as Turnkey evaluates it on each
// (docs features/authentication/sessions/session-profiles.mdx): for
// example "activity.action == 'SIGN'", which forbids a session to refresh
// itself, list or delete keys, or ask whoami. It panics on a scope it
// cannot read.
func (s *Server) AddScopedProfile(id, name, scope string) {
	sc, err := parseScope(scope)
	if err != nil {
		panic(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.profiles[id] = Profile{ID: id, Name: name, Scope: scope, scope: sc}
}

// Deny makes a policy that denies user the activities of these types
// (ACTIVITY_TYPE_...), whichever of their keys signs: code 7.
func (s *Server) Deny(user string, types ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.denied == nil {
		s.denied = map[string][]wire.ActivityType{}
	}
	for _, t := range types {
		s.denied[user] = append(s.denied[user], wire.ActivityType(t))
	}
}

// permitted answers code 7 when the scope of the session k, or a policy,
// refuses a request to path of type typ ("" for a query), and says so.
func (s *Server) permitted(w http.ResponseWriter, k *apiKey, path string, typ wire.ActivityType) bool {
	if _, isActivity := wire.ActivityTypeOf(path); !isActivity {
		typ = ""
	}
	if p, ok := s.profiles[k.profile]; ok && k.profile != "" && p.scope != nil && !p.scope(factsOf(typ)) {
		writeError(w, http.StatusForbidden, 7, MsgScopeDenied)
		return false
	}
	if typ != "" && slices.Contains(s.denied[k.user], typ) {
		writeError(w, http.StatusForbidden, 7, MsgPolicyDenied)
		return false
	}
	return true
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
	if after := s.answerAfter(); after != 0 {
		// The request is done; its answer is lost on the way back.
		s.handle(httptest.NewRecorder(), r, body)
		writeError(w, after, 14, http.StatusText(after))
		return
	}
	s.handle(w, r, body)
}

// handle answers one request, as Turnkey does.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, body []byte) {
	if r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, 12, "POST only")
		return
	}
	if strings.HasPrefix(r.URL.Path, "/v1/") {
		s.proxy(w, r, body)
		return
	}
	if r.Header.Get(wire.AttestedStampHeader) != "" && r.Header.Get(wire.StampHeader) == "" {
		s.attested(w, r, body)
		return
	}
	signer, err := VerifyStamp(r.Header.Get(wire.StampHeader), body)
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
	// A login addressed to the parent organization, stamped by a
	// sub-organization user's key, issues that user's session, as the
	// SDK's passkey and wallet logins do (tkhq/sdk core.ts
	// loginWithPasskey: organizationId is the app's parent).
	toParent := ok && r.URL.Path == wire.PathStampLogin && s.codes.parents[k.org] == req.OrganizationID
	switch {
	case !ok || (k.org != req.OrganizationID && !fromParent && !toParent):
		writeError(w, http.StatusUnauthorized, 16, MsgUnknownKey)
		return
	case s.expired(k):
		writeError(w, http.StatusUnauthorized, 16, MsgExpiredKey+" "+signer)
		return
	case fromParent && !strings.HasPrefix(r.URL.Path, "/public/v1/query/") && r.URL.Path != wire.PathOTPLogin:
		// A parent organization reads its sub-organizations; it does not
		// act in them.
		writeError(w, http.StatusForbidden, 7, MsgParentReadOnly)
		return
	}
	if !req.wellFormed(w, r.URL.Path) || !s.permitted(w, k, r.URL.Path, req.Type) {
		return
	}
	if s.replay(w, r.URL.Path, body) {
		return
	}
	made := s.lastActivity
	defer func() { s.remember(r.URL.Path, body, made) }()
	switch r.URL.Path {
	case wire.PathStampLogin:
		s.stampLogin(w, k, k.org, req.Parameters)
	case wire.PathGetActivity:
		var q wire.GetActivityRequest
		json.Unmarshal(body, &q)
		a, ok := s.activities[q.ActivityID]
		if !ok {
			writeError(w, http.StatusNotFound, 5, "activity not found")
			return
		}
		writeJSON(w, wire.ActivityResponse{Activity: a})
	case wire.PathWhoami:
		writeJSON(w, wire.GetWhoamiResponse{OrganizationID: k.org, OrganizationName: s.orgs[k.org], UserID: k.user, Username: s.users[k.user]})
	case wire.PathGetAPIKeys:
		var q wire.GetAPIKeysRequest
		json.Unmarshal(body, &q)
		s.apiKeys(w, q)
	case wire.PathDeleteAPIKeys:
		s.deleteAPIKeys(w, req.OrganizationID, req.Parameters)
	case wire.PathApproveActivity:
		s.approveByKey(w, k, req.OrganizationID, req.Parameters)
	case wire.PathRejectActivity:
		s.rejectByKey(w, k, req.OrganizationID, req.Parameters)
	case wire.PathInitOTP:
		s.initOTPActivity(w, req.OrganizationID, req.Parameters)
	case wire.PathVerifyOTP:
		s.verifyOTPActivity(w, req.OrganizationID, req.Parameters)
	case wire.PathOTPLogin:
		s.otpLogin(w, req.OrganizationID, req.Parameters)
	case wire.PathListVerifiedSuborgs:
		s.verifiedSubOrgs(w, req.OrganizationID, body)
	case wire.PathGetMFAStatus:
		var q wire.GetMFAStatusRequest
		json.Unmarshal(body, &q)
		s.mfaStatus(w, q.ActivityID)
	default:
		writeError(w, http.StatusNotFound, 5, "no such endpoint")
	}
}

// apiKeys is get_api_keys: the user's keys Turnkey still has.
func (s *Server) apiKeys(w http.ResponseWriter, q wire.GetAPIKeysRequest) {
	list := []wire.APIKey{}
	for pub, key := range s.keys {
		// Expired keys stay listed until evicted (TURNKEY.md: eviction).
		if key.user == q.UserID && key.org == q.OrganizationID {
			ts := wire.Timestamp{Seconds: strconv.FormatInt(key.created.Unix(), 10), Nanos: strconv.Itoa(key.created.Nanosecond())}
			entry := wire.APIKey{APIKeyID: key.id, APIKeyName: key.name, CreatedAt: ts, UpdatedAt: ts,
				Credential: wire.Credential{PublicKey: pub, Type: key.credential, SessionProfileID: key.profile}}
			if !key.expires.IsZero() {
				entry.ExpirationSeconds = strconv.Itoa(int(key.expires.Sub(key.created) / time.Second))
			}
			list = append(list, entry)
		}
	}
	writeJSON(w, wire.GetAPIKeysResponse{APIKeys: s.misbehave.relabel(list)})
}

// request is what every request carries: the organization, and for an
// activity its type, time and parameters.
type request struct {
	Type           wire.ActivityType `json:"type"`
	TimestampMs    string            `json:"timestampMs"`
	OrganizationID string            `json:"organizationId"`
	Parameters     json.RawMessage   `json:"parameters"`
}

// wellFormed refuses an activity to path without its type or a
// timestampMs, as Turnkey does.
func (req request) wellFormed(w http.ResponseWriter, path string) bool {
	typ, isActivity := wire.ActivityTypeOf(path)
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
	var p wire.DeleteAPIKeysIntent
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
	s.finish(w, wire.ActivityTypeDeleteAPIKeys, org, wire.Result{DeleteAPIKeysResult: &wire.DeleteAPIKeysResult{APIKeyIDs: s.misbehave.named(p.APIKeyIDs)}}, func() {
		for pub := range doomed {
			if pub == s.misbehave.keep {
				continue
			}
			delete(s.keys, pub)
		}
		s.misbehave.keep = ""
	})
}

func (s *Server) stampLogin(w http.ResponseWriter, k *apiKey, org string, params json.RawMessage) {
	if p, ok := readStampLogin(w, params); ok {
		s.issue(w, wire.ActivityTypeStampLogin, org, k.user, p, nil)
	}
}

// loginParams are what a login activity's parameters say of the session.
type loginParams struct {
	PublicKey, ExpirationSeconds, SessionProfileID string
	InvalidateExisting                             bool
}

// readStampLogin reads and checks stamp_login's parameters, answering the
// refusal.
func readStampLogin(w http.ResponseWriter, params json.RawMessage) (loginParams, bool) {
	var p wire.StampLoginIntent
	if err := json.Unmarshal(params, &p); err != nil {
		writeError(w, http.StatusBadRequest, 3, "malformed parameters")
		return loginParams{}, false
	}
	return checkLogin(w, loginParams{p.PublicKey, p.ExpirationSeconds, p.SessionProfileID, p.InvalidateExisting != nil && *p.InvalidateExisting})
}

// checkLogin checks a login's parameters, answering the refusal.
func checkLogin(w http.ResponseWriter, p loginParams) (loginParams, bool) {
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
func (s *Server) issue(w http.ResponseWriter, typ wire.ActivityType, org, user string, p loginParams, before func()) {
	secs := 900
	if p.ExpirationSeconds != "" {
		secs, _ = strconv.Atoi(p.ExpirationSeconds)
	}
	life := time.Duration(secs) * time.Second
	kind := session.ReadWrite
	var scope string
	if p.SessionProfileID != "" {
		prof, ok := s.profiles[p.SessionProfileID]
		if !ok {
			writeError(w, http.StatusNotFound, 5, "session profile not found: "+p.SessionProfileID)
			return
		}
		kind, scope = session.Type(prof.Name), prof.Scope
		if prof.Expires > 0 && prof.Expires < life {
			life = prof.Expires
		}
	}
	now := s.now()
	tok, err := session.NewToken(session.Claims{
		Expiry: now.Add(life), PublicKey: p.PublicKey,
		Type: kind, UserID: user, OrganizationID: org, SessionProfileID: p.SessionProfileID, Scope: scope,
	}, s.Notarizer)
	if err != nil {
		writeError(w, http.StatusInternalServerError, 13, err.Error())
		return
	}
	var res wire.Result
	if typ == wire.ActivityTypeOTPLoginV2 {
		res.OTPLoginResult = &wire.OTPLoginResult{Session: tok}
	} else {
		res.StampLoginResult = &wire.StampLoginResult{Session: tok}
	}
	s.finishFor(w, typ, org, user, res, func() {
		if before != nil {
			before()
		}
		if p.InvalidateExisting {
			for pub, key := range s.keys {
				if key.user == user && session.IsSessionType(string(key.credential)) {
					delete(s.keys, pub)
				}
			}
		}
		s.next++
		s.keys[p.PublicKey] = &apiKey{id: fmt.Sprintf("apikey-%d", s.next), org: org, user: user, name: "session",
			credential: wire.CredentialTypeLogin, profile: p.SessionProfileID, created: now, expires: now.Add(life)}
		s.evict(user)
	})
}

// evict deletes user's expiring keys past MaxSessionKeys: expired ones
// first, then the oldest (docs features/authentication/sessions/
// overview.mdx, "How many session keys can be active at once?").
func (s *Server) evict(user string) {
	var expiring []string
	for pub, key := range s.keys {
		if key.user == user && !key.expires.IsZero() {
			expiring = append(expiring, pub)
		}
	}
	slices.SortFunc(expiring, func(a, b string) int {
		ka, kb := s.keys[a], s.keys[b]
		if ea, eb := s.expired(ka), s.expired(kb); ea != eb {
			if ea {
				return -1
			}
			return 1
		}
		return ka.created.Compare(kb.created)
	})
	for len(expiring) > MaxSessionKeys {
		delete(s.keys, expiring[0])
		expiring = expiring[1:]
	}
}

// finish answers an activity: completed (doing do), pending once if
// asked, or ended as EndNextAs says (doing nothing).
func (s *Server) finish(w http.ResponseWriter, typ wire.ActivityType, org string, res wire.Result, do func()) {
	s.finishFor(w, typ, org, "", res, do)
}

// finishFor is finish for an activity of user, which waits for the
// authenticators RequireMFA asks of that user.
func (s *Server) finishFor(w http.ResponseWriter, typ wire.ActivityType, org, user string, res wire.Result, do func()) {
	status := wire.ActivityStatusCompleted
	if len(s.endAs) > 0 {
		status, s.endAs = wire.ActivityStatus(s.endAs[0]), s.endAs[1:]
	}
	a := s.newActivity(typ, org, status)
	id := a.ID
	complete := func() {
		a := s.activities[id]
		a.Result = res
		a.Status = wire.ActivityStatusCompleted
		a.UpdatedAt = timestamp(s.now())
		do()
		s.activities[id] = a
	}
	if need := s.codes.mfa[user]; user != "" && len(need) > 0 && status == wire.ActivityStatusCompleted {
		a.Status = wire.ActivityStatusAuthenticatorsNeeded
		s.codes.waiting[id] = &mfaWait{need: need, user: user, org: org, complete: complete}
		s.activities[id] = a
		s.lastActivity = id
		writeJSON(w, wire.ActivityResponse{Activity: a})
		return
	}
	if status == wire.ActivityStatusConsensusNeeded {
		// Another member's approval completes it (approve_activity, Vote).
		s.consensus[id] = &consensusWait{needed: 1, user: user, complete: complete}
	}
	switch status {
	case wire.ActivityStatusCompleted:
		a.Result = res
		do()
	case wire.ActivityStatusFailed:
		code := int32(3)
		a.Failure = &wire.Status{Code: &code, Message: "the activity failed in the enclave"}
	}
	s.activities[id] = a
	s.lastActivity = id
	if s.pending {
		s.pending = false
		a.Status = wire.ActivityStatusPending
		a.Result = wire.Result{}
		a.Failure = nil
	}
	writeJSON(w, wire.ActivityResponse{Activity: a})
}
