package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
)

// jsonSession is a session in --json output. Its fields are a stable,
// documented schema (README): add fields, never rename or remove them.
type jsonSession struct {
	SessionKey       string `json:"sessionKey"`
	Active           bool   `json:"active"`
	UserID           string `json:"userId"`
	OrganizationID   string `json:"organizationId"`
	SessionType      string `json:"sessionType"`
	Expiry           int64  `json:"expiry"`
	Expired          bool   `json:"expired"`
	Verified         bool   `json:"verified"`
	PublicKey        string `json:"publicKey"`
	KeyPair          string `json:"keyPair"`
	SessionProfileID string `json:"sessionProfileId,omitempty"`
	Scope            string `json:"scope,omitempty"`
	// Only in show --json:
	StoredAt   *time.Time `json:"storedAt,omitempty"`
	SharedWith []string   `json:"sharedWith,omitempty"`
	Token      string     `json:"token,omitempty"`
}

func toJSON(s session.Session, st *session.State, presence map[string]session.Presence, now time.Time) jsonSession {
	p, ok := presence[s.PublicKey]
	if !ok {
		p = session.PresenceUnknown
	}
	return jsonSession{
		SessionKey: s.Key, Active: s.Key == st.Active, UserID: s.UserID, OrganizationID: s.OrganizationID,
		SessionType: string(s.Type), Expiry: s.Expiry.Unix(), Expired: s.Expired(now), Verified: s.Verified,
		PublicKey: s.PublicKey, KeyPair: string(p), SessionProfileID: s.SessionProfileID, Scope: s.Scope,
	}
}

// writeSessions prints the sessions: on a terminal a table with a header;
// otherwise one plain line a session. Either way * marks the active one,
// expiry is relative ("expired 4m ago"), and what needs attention is
// labelled: an unverified token, a key pair missing from its key store.
func writeSessions(w io.Writer, st *session.State, presence map[string]session.Presence, now time.Time, table bool) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if table {
		fmt.Fprintln(tw, "  SESSION\tUSER\tORGANIZATION\tTYPE\tEXPIRES\tTOKEN\tKEY PAIR")
	}
	for _, s := range st.List() {
		mark := " "
		if s.Key == st.Active {
			mark = "*"
		}
		cells := []string{mark + " " + text.Clean(s.Key), "user " + text.Clean(session.Short(s.UserID)), "org " + text.Clean(session.Short(s.OrganizationID)), text.Type(s.Type), text.Expiry(now, s.Expiry)}
		if table {
			cells[1], cells[2] = text.Clean(session.Short(s.UserID)), text.Clean(session.Short(s.OrganizationID))
			verified := "unverified"
			if s.Verified {
				verified = "verified"
			}
			p := presence[s.PublicKey]
			if p == "" {
				p = session.PresenceUnknown
			}
			cells = append(cells, verified, string(p))
		} else {
			var labels []string
			if !s.Verified {
				labels = append(labels, "unverified")
			}
			if p := presence[s.PublicKey]; p != session.Present && presence != nil {
				labels = append(labels, "key pair "+string(p))
			}
			if len(labels) > 0 {
				cells = append(cells, strings.Join(labels, ", "))
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	tw.Flush()
}
