package turnkeytest

import (
	"crypto/ecdh"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/turnkey/internal/wire"
)

// Turnkey's sandbox contacts: their code is always SandboxCode.
const (
	SandboxEmail = "user@example.com"
	SandboxPhone = "+19999999999"
	SandboxCode  = "000000"
)

// Limits of code login, as Turnkey has them.
const (
	MaxLiveCodes = 3               // codes live at once for one contact
	MaxTries     = 3               // tries a code takes
	CodeLifetime = 5 * time.Minute // unless the request says otherwise
	TokenLife    = time.Hour       // a verification token's
)

// Turnkey's words for code login's refusals (tkhq/sdk packages/core
// matches on the first two).
const (
	MsgWrongCode       = "Invalid OTP code"
	MsgTooManyCodes    = "Max number of OTPs have been initiated"
	MsgCodeExpired     = "OTP has expired"
	MsgCodeSpent       = "OTP has exceeded the maximum number of attempts"
	MsgCodeUsed        = "OTP has already been used"
	MsgTokenUsed       = "verification token has already been used"
	MsgCaptcha         = "captcha token is required for this organization"
	MsgOrigin          = "origin not allowed for this organization"
	MsgUnknownConfig   = "auth proxy config not found"
	MsgNoSubOrg        = "no verified sub-organization found for this contact"
	MsgParentReadOnly  = "a parent organization can read a sub-organization's data but not act in it"
	MsgBadClientSig    = "invalid client signature"
	MsgAttestedKey     = "attested public key does not match the verification token"
	MsgTokenPublicKey  = "publicKey does not match the verification token"
	MsgTokenOtherOrg   = "the verification token's contact is not verified in this organization"
	MsgBadAttestation  = "invalid verification token"
	MsgUnknownActivity = "activity not found"
)

// AuthProxyConfig is an Auth Proxy configuration of an organization.
type AuthProxyConfig struct {
	ID, OrganizationID string
	CodeLength         int // 0: 6
	Alphanumeric       bool
	SessionLifetime    time.Duration // 0: 900 s
	// SessionSeconds, if set, is sent as sessionExpirationSeconds as it
	// is, whatever SessionLifetime says: a configuration's bad number.
	SessionSeconds string
	// Captcha: otp_init_v2 needs an X-Captcha-Token, which only a
	// browser gets.
	Captcha bool
	// AllowedOrigins: requests must come from one of them (an Origin
	// header); empty or "*": from anywhere.
	AllowedOrigins []string
	// Providers are the social logins the configuration enables
	// ("google", "apple", "facebook", "x", "discord"), besides email and
	// sms; OAuthClientIDs their client IDs (wallet_kit_config's
	// enabledProviders and oauthClientIds).
	Providers      []string
	OAuthClientIDs map[string]string
}

type contactUser struct{ org, user string }

type otp struct {
	id, org, contact, typ, code string
	target                      *ecdh.PrivateKey
	expires                     time.Time
	tries                       int
	done                        bool
}

type mfaWait struct {
	need      []wire.AuthenticationType // one step each
	satisfied []wire.AuthenticationType
	user, org string
	complete  func()
}

// codeLogin is the fake's state for logins by code.
type codeLogin struct {
	parents  map[string]string      // sub-organization -> parent
	contacts map[string]contactUser // normalized contact -> its user
	proxies  map[string]AuthProxyConfig
	otps     map[string]*otp
	sent     map[string]string // normalized contact -> last code
	used     map[string]bool   // verification token IDs consumed
	byToken  map[string]string // activity ID -> verification token ID
	mfa      map[string][]wire.AuthenticationType
	waiting  map[string]*mfaWait
}

func newCodeLogin() codeLogin {
	return codeLogin{parents: map[string]string{}, contacts: map[string]contactUser{}, proxies: map[string]AuthProxyConfig{},
		otps: map[string]*otp{}, sent: map[string]string{}, used: map[string]bool{}, byToken: map[string]string{},
		mfa: map[string][]wire.AuthenticationType{}, waiting: map[string]*mfaWait{}}
}

// normal is a contact as compared: an email address in lower case, a
// phone number's + and digits.
func normal(contact string) string {
	c := strings.TrimSpace(contact)
	if strings.Contains(c, "@") {
		return strings.ToLower(c)
	}
	return strings.Map(func(r rune) rune {
		if r == '+' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, c)
}

// AddSubOrg makes org a sub-organization of parent whose user has
// verified email and phone (either may be ""): codes sent there log in
// as user.
func (s *Server) AddSubOrg(parent, org, user, email, phone string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes.parents[org] = parent
	for _, c := range []string{email, phone} {
		if c != "" {
			s.codes.contacts[normal(c)] = contactUser{org: org, user: user}
		}
	}
	if s.orgs[org] == "" {
		s.orgs[org] = "org " + org
	}
	if s.users[user] == "" {
		s.users[user] = "user " + user
	}
	if s.orgs[parent] == "" {
		s.orgs[parent] = "org " + parent
	}
}

// AddAuthProxy serves an Auth Proxy configuration at /v1/.
func (s *Server) AddAuthProxy(c AuthProxyConfig) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes.proxies[c.ID] = c
	if s.orgs[c.OrganizationID] == "" {
		s.orgs[c.OrganizationID] = "org " + c.OrganizationID
	}
}

// SentCode is the last code sent to contact, "" if none: what the user
// would read in their mail.
func (s *Server) SentCode(contact string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.codes.sent[normal(contact)]
}

// RequireMFA makes user's login activities wait for these authentication
// types (AUTHENTICATION_TYPE_...), until SatisfyMFA.
func (s *Server) RequireMFA(user string, types ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	need := make([]wire.AuthenticationType, len(types))
	for i, t := range types {
		need[i] = wire.AuthenticationType(t)
	}
	s.codes.mfa[user] = need
}

// SatisfyMFA completes an activity waiting for authenticators, as if they
// were given elsewhere; false if none waits under id.
func (s *Server) SatisfyMFA(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, ok := s.codes.waiting[id]
	if ok {
		delete(s.codes.waiting, id)
		w.complete()
	}
	return ok
}

// Waiting lists the activities waiting for authenticators.
func (s *Server) Waiting() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for id := range s.codes.waiting {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// failure is a refusal: HTTP status, gRPC code, Turnkey's words.
type failure struct {
	status, code int
	msg          string
}

func (f *failure) write(w http.ResponseWriter) { writeError(w, f.status, f.code, f.msg) }

func refuse(status, code int, msg string) *failure { return &failure{status, code, msg} }

// randomCode is a code of n characters: digits, or Crockford's base32.
func randomCode(n int, alnum bool) string {
	alphabet := "0123456789"
	if alnum {
		alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	}
	var b strings.Builder
	for range n {
		i, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		b.WriteByte(alphabet[i.Int64()])
	}
	return b.String()
}

// initOTP sends a code to contact for org, as the enclave does: a fresh
// target key, its bundle signed by the enclave key (Notarizer).
func (s *Server) initOTP(org, typ, contact string, length int, alnum bool, life time.Duration) (turnkey.OTP, *failure) {
	c := normal(contact)
	switch {
	case typ != turnkey.OTPEmail && typ != turnkey.OTPSMS && typ != turnkey.OTPWhatsApp:
		return turnkey.OTP{}, refuse(http.StatusBadRequest, 3, "invalid otpType: "+typ)
	case typ == turnkey.OTPEmail && !strings.Contains(c, "@"), typ != turnkey.OTPEmail && !strings.HasPrefix(c, "+"):
		return turnkey.OTP{}, refuse(http.StatusBadRequest, 3, "invalid contact for "+typ)
	}
	now := s.now()
	live := 0
	for _, o := range s.codes.otps {
		if o.contact == c && !o.done && now.Before(o.expires) {
			live++
		}
	}
	if live >= MaxLiveCodes {
		return turnkey.OTP{}, refuse(http.StatusTooManyRequests, 8, MsgTooManyCodes)
	}
	code := randomCode(length, alnum)
	if c == SandboxEmail || c == SandboxPhone {
		code = SandboxCode
	}
	target, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return turnkey.OTP{}, refuse(http.StatusInternalServerError, 13, err.Error())
	}
	bundle, err := signTargetBundle(turnkey.Target{Public: target.PublicKey().Bytes(), OrganizationID: org}, s.Notarizer)
	if err != nil {
		return turnkey.OTP{}, refuse(http.StatusInternalServerError, 13, err.Error())
	}
	s.next++
	id := fmt.Sprintf("otp-%d", s.next)
	s.codes.otps[id] = &otp{id: id, org: org, contact: c, typ: typ, code: code, target: target, expires: now.Add(life)}
	s.codes.sent[c] = code
	return turnkey.OTP{ID: id, TargetBundle: bundle}, nil
}

// verifyOTP checks an encrypted code for org's OTP id and returns a
// verification token bound to the public key inside it.
func (s *Server) verifyOTP(org, id, encrypted string) (string, *failure) {
	o, ok := s.codes.otps[id]
	switch {
	case !ok || o.org != org:
		return "", refuse(http.StatusNotFound, 5, "OTP not found: "+id)
	case o.done && o.tries >= MaxTries:
		return "", refuse(http.StatusBadRequest, 9, MsgCodeSpent)
	case o.done:
		return "", refuse(http.StatusBadRequest, 9, MsgCodeUsed)
	case !s.now().Before(o.expires):
		return "", refuse(http.StatusBadRequest, 9, MsgCodeExpired)
	}
	code, pub, err := decryptCode(encrypted, o.target)
	if err != nil {
		return "", refuse(http.StatusBadRequest, 3, "invalid encryptedOtpBundle: "+err.Error())
	}
	if _, err := session.ParsePublicKey(pub); err != nil || len(pub) != 66 {
		return "", refuse(http.StatusBadRequest, 3, "invalid public_key in encryptedOtpBundle: want a compressed P-256 key")
	}
	if code != o.code {
		o.tries++
		o.done = o.tries >= MaxTries
		return "", refuse(http.StatusBadRequest, 3, MsgWrongCode)
	}
	o.done = true
	var idb [16]byte
	rand.Read(idb[:])
	tok, err := signVerificationToken(turnkey.VerificationToken{ID: hex.EncodeToString(idb[:]), Type: o.typ, Contact: o.contact,
		OrganizationID: org, PublicKey: pub, Expiry: s.now().Add(TokenLife)}, s.Notarizer)
	if err != nil {
		return "", refuse(http.StatusInternalServerError, 13, err.Error())
	}
	return tok, nil
}

// token checks a verification token: the enclave's signature, its
// expiry, not used yet.
func (s *Server) token(raw string) (turnkey.VerificationToken, *failure) {
	t, err := turnkey.VerifyVerificationToken(raw, &s.Notarizer.PublicKey, s.now())
	if err != nil {
		return t, refuse(http.StatusUnauthorized, 16, MsgBadAttestation+": "+err.Error())
	}
	if s.codes.used[t.ID] {
		return t, refuse(http.StatusBadRequest, 9, MsgTokenUsed)
	}
	return t, nil
}

// proxy serves the Auth Proxy: no stamp, a configuration ID.
func (s *Server) proxy(w http.ResponseWriter, r *http.Request, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.codes.proxies[r.Header.Get(wire.ProxyConfigHeader)]
	if !ok {
		writeError(w, http.StatusNotFound, 5, MsgUnknownConfig)
		return
	}
	if len(c.AllowedOrigins) > 0 && !slices.Contains(c.AllowedOrigins, "*") && !slices.Contains(c.AllowedOrigins, r.Header.Get("Origin")) {
		writeError(w, http.StatusForbidden, 7, MsgOrigin)
		return
	}
	length := c.CodeLength
	if length == 0 {
		length = 6
	}
	switch r.URL.Path {
	case wire.ProxyPathWalletKitConfig:
		life := c.SessionLifetime
		if life == 0 {
			life = session.DefaultLifetime
		}
		secs := strconv.Itoa(int(life / time.Second))
		if c.SessionSeconds != "" {
			secs = c.SessionSeconds
		}
		writeJSON(w, wire.ProxyGetWalletKitConfigResponse{OrganizationID: c.OrganizationID, OTPLength: strconv.Itoa(length), OTPAlphanumeric: &c.Alphanumeric,
			SessionExpirationSeconds: secs, EnabledProviders: c.providers(), OAuthClientIDs: c.OAuthClientIDs})
	case wire.ProxyPathAccount:
		s.account(w, c.OrganizationID, body)
	case wire.ProxyPathOauth2Authenticate:
		s.oauth2Authenticate(w, c, body)
	case wire.ProxyPathOTPInitV2:
		var p wire.ProxyInitOTPV2Request
		if json.Unmarshal(body, &p) != nil || p.OTPType == "" || p.Contact == "" {
			writeError(w, http.StatusBadRequest, 3, "otpType and contact are required")
			return
		}
		if c.Captcha && r.Header.Get("X-Captcha-Token") == "" {
			writeError(w, http.StatusBadRequest, 3, MsgCaptcha)
			return
		}
		o, f := s.initOTP(c.OrganizationID, p.OTPType, p.Contact, length, c.Alphanumeric, CodeLifetime)
		if f != nil {
			f.write(w)
			return
		}
		writeJSON(w, wire.ProxyInitOTPV2Response{OTPID: o.ID, OTPEncryptionTargetBundle: o.TargetBundle})
	case wire.ProxyPathOTPVerifyV2:
		var p wire.ProxyVerifyOTPV2Request
		if json.Unmarshal(body, &p) != nil || p.OTPID == "" || p.EncryptedOTPBundle == "" {
			writeError(w, http.StatusBadRequest, 3, "otpId and encryptedOtpBundle are required")
			return
		}
		tok, f := s.verifyOTP(c.OrganizationID, p.OTPID, p.EncryptedOTPBundle)
		if f != nil {
			f.write(w)
			return
		}
		writeJSON(w, wire.ProxyVerifyOTPV2Response{VerificationToken: tok})
	default:
		writeError(w, http.StatusNotFound, 5, "no such endpoint")
	}
}

// attested serves requests stamped by a session key that a verification
// token vouches for: stamp_login, and the queries about the activity it
// made.
func (s *Server) attested(w http.ResponseWriter, r *http.Request, body []byte) {
	st, err := verifyAttestedStamp(r.Header.Get(wire.AttestedStampHeader), body)
	if err != nil {
		writeError(w, http.StatusUnauthorized, 16, "invalid attested stamp: "+err.Error())
		return
	}
	var req request
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, 3, "malformed request")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch st.Scheme {
	case wire.SchemeAttestedVerificationToken:
	case wire.SchemeAttestedOIDC:
		s.attestedOIDC(w, r.URL.Path, st, req, body)
		return
	default:
		writeError(w, http.StatusUnauthorized, 16, "unsupported attested stamp scheme: "+st.Scheme)
		return
	}
	tok, err := turnkey.VerifyVerificationToken(st.PublicKeyAttestation, &s.Notarizer.PublicKey, s.now())
	if err != nil {
		writeError(w, http.StatusUnauthorized, 16, MsgBadAttestation+": "+err.Error())
		return
	}
	if tok.PublicKey != st.PublicKey {
		writeError(w, http.StatusUnauthorized, 16, MsgAttestedKey)
		return
	}
	switch r.URL.Path {
	case wire.PathGetActivity, wire.PathGetMFAStatus:
		s.activityFor(w, r.URL.Path, tok.ID, body)
		return
	case wire.PathApproveActivity:
		if req.wellFormed(w, r.URL.Path) {
			s.approveByCode(w, tok, req.OrganizationID, req.Parameters)
		}
		return
	case wire.PathRejectActivity:
		if req.wellFormed(w, r.URL.Path) {
			s.rejectByCode(w, tok, req.OrganizationID, req.Parameters)
		}
		return
	case wire.PathStampLogin:
	default:
		writeError(w, http.StatusUnauthorized, 16, "an attested stamp can only log in, or approve or reject an activity")
		return
	}
	if !req.wellFormed(w, r.URL.Path) {
		return
	}
	if s.codes.used[tok.ID] {
		writeError(w, http.StatusBadRequest, 9, MsgTokenUsed)
		return
	}
	u, ok := s.codes.contacts[normal(tok.Contact)]
	if !ok || (s.codes.parents[u.org] != tok.OrganizationID && u.org != tok.OrganizationID) {
		writeError(w, http.StatusNotFound, 5, MsgNoSubOrg)
		return
	}
	if req.OrganizationID != tok.OrganizationID && req.OrganizationID != u.org {
		writeError(w, http.StatusUnauthorized, 16, MsgTokenOtherOrg)
		return
	}
	p, ok := readStampLogin(w, req.Parameters)
	if !ok {
		return
	}
	if p.PublicKey != tok.PublicKey {
		writeError(w, http.StatusBadRequest, 3, MsgTokenPublicKey)
		return
	}
	s.issue(w, wire.ActivityTypeStampLogin, u.org, u.user, p, func() { s.codes.used[tok.ID] = true })
	s.codes.byToken[s.lastActivity] = tok.ID
}

// activityFor answers get_activity or get_mfa_status (both ask
// {organizationId, activityId}) about an activity that the attestation id
// made.
func (s *Server) activityFor(w http.ResponseWriter, path, id string, body []byte) {
	var q wire.GetActivityRequest
	json.Unmarshal(body, &q)
	a, ok := s.activities[q.ActivityID]
	if !ok || s.codes.byToken[q.ActivityID] != id {
		writeError(w, http.StatusNotFound, 5, MsgUnknownActivity)
		return
	}
	if path == wire.PathGetMFAStatus {
		s.mfaStatus(w, q.ActivityID)
		return
	}
	writeJSON(w, wire.ActivityResponse{Activity: a})
}

// initOTPActivity is INIT_OTP_V3, by an API key of org.
func (s *Server) initOTPActivity(w http.ResponseWriter, org string, params json.RawMessage) {
	var p wire.InitOTPIntentV3
	if err := json.Unmarshal(params, &p); err != nil || p.OTPType == "" || p.Contact == "" || p.AppName == "" {
		writeError(w, http.StatusBadRequest, 3, "malformed parameters: otpType, contact and appName are required")
		return
	}
	length, alnum, life := 9, true, CodeLifetime
	if p.OTPLength != nil && *p.OTPLength != 0 {
		if *p.OTPLength < 6 || *p.OTPLength > 9 {
			writeError(w, http.StatusBadRequest, 3, "otpLength must be between 6 and 9")
			return
		}
		length = int(*p.OTPLength)
	}
	if p.Alphanumeric != nil {
		alnum = *p.Alphanumeric
	}
	if p.ExpirationSeconds != "" {
		n, err := strconv.Atoi(p.ExpirationSeconds)
		if err != nil || n <= 0 || n > 600 {
			writeError(w, http.StatusBadRequest, 3, "expirationSeconds must be at most 600")
			return
		}
		life = time.Duration(n) * time.Second
	}
	o, f := s.initOTP(org, p.OTPType, p.Contact, length, alnum, life)
	if f != nil {
		f.write(w)
		return
	}
	s.finish(w, wire.ActivityTypeInitOTPV3, org, wire.Result{InitOTPResultV2: &wire.InitOTPResultV2{OTPID: o.ID, OTPEncryptionTargetBundle: o.TargetBundle}}, func() {})
}

// verifyOTPActivity is VERIFY_OTP_V2, by an API key of org.
func (s *Server) verifyOTPActivity(w http.ResponseWriter, org string, params json.RawMessage) {
	var p wire.VerifyOTPIntentV2
	if err := json.Unmarshal(params, &p); err != nil || p.OTPID == "" || p.EncryptedOTPBundle == "" {
		writeError(w, http.StatusBadRequest, 3, "malformed parameters: otpId and encryptedOtpBundle are required")
		return
	}
	tok, f := s.verifyOTP(org, p.OTPID, p.EncryptedOTPBundle)
	if f != nil {
		f.write(w)
		return
	}
	s.finish(w, wire.ActivityTypeVerifyOTPV2, org, wire.Result{VerifyOTPResult: &wire.VerifyOTPResult{VerificationToken: tok}}, func() {})
}

// otpLogin is OTP_LOGIN_V2 in sub-organization org, by its parent's key
// or its own: the token's user, bound to the session key that signed the
// login. A token the parent issued serves any of its sub-organizations,
// one a sub-organization issued only that one (docs features/
// authentication/email.mdx, "Sub-organization initiated OTP").
func (s *Server) otpLogin(w http.ResponseWriter, org string, params json.RawMessage) {
	var in wire.OTPLoginIntentV2
	if err := json.Unmarshal(params, &in); err != nil {
		writeError(w, http.StatusBadRequest, 3, "malformed parameters")
		return
	}
	p, ok := checkLogin(w, loginParams{in.PublicKey, in.ExpirationSeconds, in.SessionProfileID, in.InvalidateExisting != nil && *in.InvalidateExisting})
	if !ok {
		return
	}
	tok, f := s.token(in.VerificationToken)
	if f != nil {
		f.write(w)
		return
	}
	cs := in.ClientSignature
	switch {
	case cs == wire.ClientSignature{}:
		writeError(w, http.StatusBadRequest, 3, "clientSignature is required")
		return
	case cs.Scheme != wire.ClientSignatureSchemeAPIP256 || cs.PublicKey != p.PublicKey || cs.Message != wire.LoginUsage(tok.ID, p.PublicKey):
		writeError(w, http.StatusBadRequest, 3, MsgBadClientSig+": it must be the session key's, over the login usage of this token")
		return
	case verifyClientSignature(cs) != nil:
		writeError(w, http.StatusBadRequest, 3, MsgBadClientSig)
		return
	case p.PublicKey != tok.PublicKey:
		writeError(w, http.StatusBadRequest, 3, MsgTokenPublicKey)
		return
	}
	u, ok := s.codes.contacts[normal(tok.Contact)]
	if !ok || u.org != org || (s.codes.parents[org] != tok.OrganizationID && tok.OrganizationID != org) {
		writeError(w, http.StatusBadRequest, 9, MsgTokenOtherOrg)
		return
	}
	s.issue(w, wire.ActivityTypeOTPLoginV2, org, u.user, p, func() { s.codes.used[tok.ID] = true })
}

// verifiedSubOrgs is list_verified_suborgs: org's sub-organizations whose
// user verified the contact.
func (s *Server) verifiedSubOrgs(w http.ResponseWriter, org string, body []byte) {
	var p wire.GetVerifiedSubOrgIDsRequest
	json.Unmarshal(body, &p)
	if p.FilterType != wire.FilterEmail && p.FilterType != wire.FilterPhoneNumber {
		writeError(w, http.StatusBadRequest, 3, "filterType must be EMAIL or PHONE_NUMBER")
		return
	}
	ids := []string{}
	if u, ok := s.codes.contacts[normal(p.FilterValue)]; ok && s.codes.parents[u.org] == org {
		ids = append(ids, u.org)
	}
	writeJSON(w, wire.GetVerifiedSubOrgIDsResponse{OrganizationIDs: ids})
}

// mfaStatus is get_mfa_status for activity id.
func (s *Server) mfaStatus(w http.ResponseWriter, id string) {
	if _, ok := s.activities[id]; !ok {
		writeError(w, http.StatusNotFound, 5, MsgUnknownActivity)
		return
	}
	statuses := []wire.MFAStatus{}
	if m, ok := s.codes.waiting[id]; ok {
		steps := []wire.RequiredAuthenticationMethod{}
		for _, t := range m.need {
			steps = append(steps, wire.RequiredAuthenticationMethod{Any: []wire.AuthenticationMethod{{Type: t}}})
		}
		done := []wire.AuthenticationMethod{}
		for _, t := range m.satisfied {
			done = append(done, wire.AuthenticationMethod{Type: t})
		}
		statuses = append(statuses, wire.MFAStatus{MFAPolicyID: "mfa-policy-1", UserID: m.user, Satisfied: false,
			SatisfiedMethods: done, RequiredMethods: steps})
	}
	writeJSON(w, wire.GetMFAStatusResponse{MFAStatuses: statuses})
}
