package turnkeytest

import (
	"crypto/sha256"
	"net/http"
	"time"

	"github.com/tkauth/tkauth/turnkey/internal/wire"
)

// misbehaviour is what a test asks the server to do otherwise than
// Turnkey, and Turnkey's own deduplication of activities.
type misbehaviour struct {
	after   []int                          // statuses answered after doing the next requests
	labels  map[string]wire.CredentialType // credential types get_api_keys says, by public key
	names   [][]string                     // the IDs the next delete_api_keys results name
	forget  bool                           // no deduplication of submissions
	keep    string                         // a public key the next delete leaves
	submits map[[32]byte]string            // activity ID by request body's fingerprint
}

// AnswerAfterNext makes the next requests answer these statuses, one
// each, after doing what they ask: the answer is lost, the work is done.
func (s *Server) AnswerAfterNext(statuses ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.misbehave.after = append(s.misbehave.after, statuses...)
}

func (s *Server) answerAfter() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.misbehave.after) == 0 {
		return 0
	}
	st := s.misbehave.after[0]
	s.misbehave.after = s.misbehave.after[1:]
	return st
}

// Mislabel makes get_api_keys list publicKey with credential type typ,
// whatever it is: a server that lies about a key.
func (s *Server) Mislabel(publicKey, typ string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.misbehave.labels == nil {
		s.misbehave.labels = map[string]wire.CredentialType{}
	}
	s.misbehave.labels[publicKey] = wire.CredentialType(typ)
}

func (m *misbehaviour) relabel(list []wire.APIKey) []wire.APIKey {
	for i, k := range list {
		if t, ok := m.labels[k.Credential.PublicKey]; ok {
			list[i].Credential.Type = t
		}
	}
	return list
}

// NameInNextDelete makes the next delete_api_keys, which deletes every
// key asked for, name only ids in its result.
func (s *Server) NameInNextDelete(ids ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.misbehave.names = append(s.misbehave.names, ids)
}

func (m *misbehaviour) named(ids []string) []string {
	if len(m.names) == 0 {
		return ids
	}
	out := m.names[0]
	m.names = m.names[1:]
	return out
}

// ForgetSubmissions makes the server treat every submission as new, as
// Turnkey does not: a retried delete then finds its keys gone.
func (s *Server) ForgetSubmissions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.misbehave.forget = true
}

// replay answers an activity whose body was submitted before with that
// activity as it is now: Turnkey's submissions are idempotent, a body's
// fingerprint naming one activity (docs api-reference/activities/
// overview.mdx, "Idempotency"). It reports whether it answered.
func (s *Server) replay(w http.ResponseWriter, path string, body []byte) bool {
	if _, ok := wire.ActivityTypeOf(path); !ok || s.misbehave.forget {
		return false
	}
	id, ok := s.misbehave.submits[sha256.Sum256(body)]
	if !ok {
		return false
	}
	writeJSON(w, wire.ActivityResponse{Activity: s.activities[id]})
	return true
}

// remember records the activity a submission made (made: the last one
// before it), for replay.
func (s *Server) remember(path string, body []byte, made string) {
	if _, ok := wire.ActivityTypeOf(path); !ok || s.lastActivity == made {
		return
	}
	if s.misbehave.submits == nil {
		s.misbehave.submits = map[[32]byte]string{}
	}
	s.misbehave.submits[sha256.Sum256(body)] = s.lastActivity
}

// SessionElsewhereAs is SessionElsewhere with a session key of credential
// type typ: one of the older flows' (CREDENTIAL_TYPE_OTP_AUTH_KEY_P256,
// _READ_WRITE_SESSION_KEY_P256, ...), or any type a test names.
func (s *Server) SessionElsewhereAs(org, user string, d time.Duration, typ string) string {
	pub := s.SessionElsewhere(org, user, d)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[pub].credential = wire.CredentialType(typ)
	return pub
}

// KeyID is the ID of the API key publicKey, "" if there is none.
func (s *Server) KeyID(publicKey string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k, ok := s.keys[publicKey]; ok {
		return k.id
	}
	return ""
}

// KeepInNextDelete makes the next delete_api_keys leave publicKey in
// place, as a delete that fails part way would.
func (s *Server) KeepInNextDelete(publicKey string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.misbehave.keep = publicKey
}
