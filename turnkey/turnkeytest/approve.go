package turnkeytest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/turnkey/internal/wire"
)

// Refusals of approve_activity, in the fake's words.
const (
	MsgNoSuchFingerprint = "no activity with this fingerprint in the organization"
	MsgNotWaiting        = "the activity is not waiting for approval"
	MsgFactorNotAsked    = "this authenticator is not one the activity's MFA policy requires"
	MsgNotTheInitiator   = "only the user who made the activity can satisfy its MFA"
	MsgOwnApproval       = "the user who made the activity cannot approve it for consensus"
)

// consensusWait is an activity waiting for other members' approvals.
type consensusWait struct {
	needed, votes int
	user          string // the initiator, who cannot vote
	complete      func()
}

func timestamp(t time.Time) wire.Timestamp {
	return wire.Timestamp{Seconds: strconv.FormatInt(t.Unix(), 10), Nanos: strconv.Itoa(t.Nanosecond())}
}

// newActivity is an activity with every field the spec requires: ID,
// fingerprint (what approve_activity names it by), votes, times.
func (s *Server) newActivity(typ wire.ActivityType, org string, status wire.ActivityStatus) wire.Activity {
	s.next++
	var fp [32]byte
	rand.Read(fp[:])
	now := timestamp(s.now())
	waits := status == wire.ActivityStatusConsensusNeeded
	return wire.Activity{ID: fmt.Sprintf("activity-%d", s.next), OrganizationID: org, Status: status, Type: typ,
		Fingerprint: "sha256:" + hex.EncodeToString(fp[:]), Votes: []wire.Vote{}, CanApprove: waits, CanReject: waits,
		CreatedAt: now, UpdatedAt: now}
}

// AddContact records that user of org verified contact (an email
// address, or a phone number): codes sent there prove the user's email
// or SMS factor.
func (s *Server) AddContact(org, user, contact string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes.contacts[normal(contact)] = contactUser{org: org, user: user}
}

// Vote approves the activity id for consensus, as another member would;
// false if it waits for none.
func (s *Server) Vote(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.consensus[id]
	if ok {
		s.vote(id, c, "another-member")
	}
	return ok
}

func (s *Server) vote(id string, c *consensusWait, user string) {
	a := s.activities[id]
	s.next++
	a.Votes = append(a.Votes, wire.Vote{ID: fmt.Sprintf("vote-%d", s.next), UserID: user, ActivityID: id,
		Selection: "VOTE_SELECTION_APPROVED", CreatedAt: timestamp(s.now())})
	s.activities[id] = a
	if c.votes++; c.votes >= c.needed {
		delete(s.consensus, id)
		c.complete()
	}
}

// byFingerprint is the activity of org that fingerprint names.
func (s *Server) byFingerprint(w http.ResponseWriter, org string, params json.RawMessage) (string, bool) {
	var p wire.ApproveActivityIntent
	if err := json.Unmarshal(params, &p); err != nil || p.Fingerprint == "" {
		writeError(w, http.StatusBadRequest, 3, "malformed parameters: fingerprint is required")
		return "", false
	}
	for id, a := range s.activities {
		if a.Fingerprint == p.Fingerprint && a.OrganizationID == org {
			return id, true
		}
	}
	writeError(w, http.StatusNotFound, 5, MsgNoSuchFingerprint)
	return "", false
}

// satisfy proves factor for the activity id that m waits on, and
// answers the approval: a completed APPROVE_ACTIVITY. The activity
// completes when every step is proved.
func (s *Server) satisfy(w http.ResponseWriter, id string, m *mfaWait, factor wire.AuthenticationType) {
	asked, done := 0, 0
	for _, t := range m.need {
		if t == factor {
			asked++
		}
	}
	for _, t := range m.satisfied {
		if t == factor {
			done++
		}
	}
	if done >= asked {
		writeError(w, http.StatusBadRequest, 9, MsgFactorNotAsked+": "+string(factor))
		return
	}
	m.satisfied = append(m.satisfied, factor)
	if len(m.satisfied) == len(m.need) {
		delete(s.codes.waiting, id)
		m.complete()
	}
	s.answerApproval(w, m.org)
}

func (s *Server) answerApproval(w http.ResponseWriter, org string) {
	a := s.newActivity(wire.ActivityTypeApproveActivity, org, wire.ActivityStatusCompleted)
	s.activities[a.ID] = a
	writeJSON(w, wire.ActivityResponse{Activity: a})
}

// approveByKey is approve_activity stamped by k (X-Stamp): a long-lived
// API key proves AUTHENTICATION_TYPE_API_KEY, a session's key
// AUTHENTICATION_TYPE_SESSION (docs features/authentication/mfa/
// satisfying-mfa.mdx); another member's key votes for consensus.
func (s *Server) approveByKey(w http.ResponseWriter, k *apiKey, org string, params json.RawMessage) {
	id, ok := s.byFingerprint(w, org, params)
	if !ok {
		return
	}
	if m, ok := s.codes.waiting[id]; ok {
		if k.user != m.user {
			writeError(w, http.StatusBadRequest, 9, MsgNotTheInitiator)
			return
		}
		factor := wire.AuthenticationTypeSession
		switch k.credential {
		case wire.CredentialTypeAPIKeyP256, wire.CredentialTypeAPIKeySecp256k1, wire.CredentialTypeAPIKeyEd25519:
			factor = wire.AuthenticationTypeAPIKey
		}
		s.satisfy(w, id, m, factor)
		return
	}
	if c, ok := s.consensus[id]; ok {
		if k.user == c.user {
			writeError(w, http.StatusBadRequest, 9, MsgOwnApproval)
			return
		}
		s.vote(id, c, k.user)
		s.answerApproval(w, org)
		return
	}
	writeError(w, http.StatusBadRequest, 9, MsgNotWaiting)
}

// approveByCode is approve_activity with an attested stamp: a fresh
// verification token of a contact the activity's user verified proves
// their email or SMS factor, once.
func (s *Server) approveByCode(w http.ResponseWriter, tok turnkey.VerificationToken, org string, params json.RawMessage) {
	if s.codes.used[tok.ID] {
		writeError(w, http.StatusBadRequest, 9, MsgTokenUsed)
		return
	}
	id, ok := s.byFingerprint(w, org, params)
	if !ok {
		return
	}
	m, ok := s.codes.waiting[id]
	if !ok {
		writeError(w, http.StatusBadRequest, 9, MsgNotWaiting)
		return
	}
	if s.codes.byToken[id] == tok.ID {
		// The token that made a login proves the code it was given for,
		// once: it cannot also be the second factor the login waits for.
		writeError(w, http.StatusBadRequest, 9, MsgTokenUsed)
		return
	}
	// A code the user's own organization sent, or its parent's (the Auth
	// Proxy's, for a sub-organization's user), as a login by code takes
	// it (attested, codelogin.go).
	u, ok := s.codes.contacts[normal(tok.Contact)]
	if !ok || u.user != m.user || (tok.OrganizationID != m.org && tok.OrganizationID != s.codes.parents[m.org]) {
		writeError(w, http.StatusBadRequest, 9, MsgTokenOtherOrg)
		return
	}
	factor := wire.AuthenticationTypeEmailOTP
	if tok.Type == turnkey.OTPSMS {
		factor = wire.AuthenticationTypeSMSOTP
	}
	s.codes.used[tok.ID] = true
	s.satisfy(w, id, m, factor)
}

// rejectByKey is reject_activity stamped by k: the user who made a
// waiting activity, or another member voting, ends it as rejected;
// nothing it would do is done.
func (s *Server) rejectByKey(w http.ResponseWriter, k *apiKey, org string, params json.RawMessage) {
	s.reject(w, k.user, org, params)
}

// rejectByCode is reject_activity with an attested stamp: the key and
// token that made a login by code end it, as its initiator.
func (s *Server) rejectByCode(w http.ResponseWriter, tok turnkey.VerificationToken, org string, params json.RawMessage) {
	id, ok := s.byFingerprint(w, org, params)
	if !ok {
		return
	}
	m, ok := s.codes.waiting[id]
	if !ok || s.codes.byToken[id] != tok.ID {
		writeError(w, http.StatusBadRequest, 9, MsgNotTheInitiator)
		return
	}
	s.reject(w, m.user, org, params)
}

// reject ends as rejected the waiting activity params names, for user.
func (s *Server) reject(w http.ResponseWriter, user, org string, params json.RawMessage) {
	id, ok := s.byFingerprint(w, org, params)
	if !ok {
		return
	}
	m, mfa := s.codes.waiting[id]
	_, cons := s.consensus[id]
	switch {
	case mfa && user == m.user, cons:
	case mfa:
		writeError(w, http.StatusBadRequest, 9, MsgNotTheInitiator)
		return
	default:
		writeError(w, http.StatusBadRequest, 9, MsgNotWaiting)
		return
	}
	delete(s.codes.waiting, id)
	delete(s.consensus, id)
	a := s.activities[id]
	a.Status, a.UpdatedAt = wire.ActivityStatusRejected, timestamp(s.now())
	s.activities[id] = a
	r := s.newActivity(wire.ActivityTypeRejectActivity, org, wire.ActivityStatusCompleted)
	s.activities[r.ID] = r
	writeJSON(w, wire.ActivityResponse{Activity: r})
}

// Rejected lists the activities that ended rejected.
func (s *Server) Rejected() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for id, a := range s.activities {
		if a.Status == wire.ActivityStatusRejected {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}
