package cli

import (
	"bufio"
	"context"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/tkauth/tkauth/internal/escape"
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
	TestSigned       bool   `json:"testSigned,omitempty"`
	PublicKey        string `json:"publicKey"`
	KeyPair          string `json:"keyPair"`
	SessionProfileID string `json:"sessionProfileId,omitempty"`
	Scope            string `json:"scope,omitempty"`
	APIBaseURL       string `json:"apiBaseUrl,omitempty"`
	OrganizationName string `json:"organizationName,omitempty"`
	Username         string `json:"username,omitempty"`
	// With --check: what Turnkey said (valid, rejected, unreachable,
	// unchecked), and why if not valid.
	Server       string `json:"server,omitempty"`
	ServerReason string `json:"serverReason,omitempty"`
	// Only in status --json:
	Usable   *bool    `json:"usable,omitempty"`
	Problems []string `json:"problems,omitempty"`
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
		SessionType: string(s.Type), Expiry: s.Expiry.Unix(), Expired: s.Expired(now), Verified: s.Verified, TestSigned: s.TestSigned,
		PublicKey: s.PublicKey, KeyPair: string(p), SessionProfileID: s.SessionProfileID, Scope: s.Scope, APIBaseURL: s.APIBaseURL,
		OrganizationName: s.OrganizationName, Username: s.Username,
	}
}

// withCheck adds Turnkey's verdict on the session, if it was asked.
func (j *jsonSession) withCheck(c *session.Check) {
	if c == nil {
		return
	}
	j.Server = string(c.Status)
	if c.Why != nil {
		j.ServerReason = escape.Message(explain(c.Why))
	}
}

// checkLabel words Turnkey's verdict for a list: "" when valid.
func checkLabel(c *session.Check) string {
	if c == nil || c.Status == session.Valid {
		return ""
	}
	return "turnkey " + string(c.Status)
}

// label is a name for a column: the name when known, else the ID cut;
// escaped.
func label(name, id string) string {
	if name == "" {
		name = session.Short(id)
	}
	return escape.Clean(name)
}

// maxChecks bounds how many sessions are checked with Turnkey at once.
const maxChecks = 8

// checkAll asks Turnkey about each of keys, maxChecks at a time.
func checkAll(ctx context.Context, m *session.Manager, sv session.Servers, keys []string) map[string]*session.Check {
	checks := make([]session.Check, len(keys))
	sem := make(chan struct{}, maxChecks)
	var wg sync.WaitGroup
	for i, k := range keys {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			checks[i] = m.Check(ctx, sv, k, nil)
		})
	}
	wg.Wait()
	out := make(map[string]*session.Check, len(keys))
	for i, k := range keys {
		out[k] = &checks[i]
	}
	return out
}

// writeSessions prints the sessions: on a terminal a table with a header;
// otherwise one plain line a session. Either way * marks the active one,
// expiry is relative ("expired 4m ago"), and what needs attention is
// labelled: an unverified token, a key pair missing from its key store. A
// table fits width cells, when width is known (fitColumns).
func writeSessions(w io.Writer, st *session.State, presence map[string]session.Presence, checks map[string]*session.Check, now time.Time, table bool, width int) {
	row := func(s *session.Session, cells []string) []string {
		mark := " "
		if s.Key == st.Active {
			mark = "*"
		}
		cells = append(cells, mark+" "+escape.Clean(s.Key))
		if table {
			verified := text.Signed(*s)
			p := presence[s.PublicKey]
			if p == "" {
				p = session.PresenceUnknown
			}
			cells = append(cells, label(s.Username, s.UserID), label(s.OrganizationName, s.OrganizationID),
				text.Type(s.Type), text.Expiry(now, s.Expiry), verified, string(p))
			if checks != nil {
				cells = append(cells, string(checks[s.Key].Status))
			}
			return cells
		}
		cells = append(cells, "user "+label(s.Username, s.UserID), "org "+label(s.OrganizationName, s.OrganizationID),
			text.Type(s.Type), text.Expiry(now, s.Expiry))
		var labels []string
		if !s.Verified {
			labels = append(labels, text.Signed(*s))
		}
		if p := presence[s.PublicKey]; p != session.Present && presence != nil {
			labels = append(labels, "key pair "+string(p))
		}
		if l := checkLabel(checks[s.Key]); l != "" {
			labels = append(labels, l)
		}
		if len(labels) > 0 {
			cells = append(cells, strings.Join(labels, ", "))
		}
		return cells
	}
	var head []string
	if table {
		head = []string{"  SESSION", "USER", "ORGANIZATION", "TYPE", "EXPIRES", "TOKEN", "KEY PAIR"}
		if checks != nil {
			head = append(head, "TURNKEY")
		}
	}
	rows := [][]string{}
	if table {
		rows = append(rows, head)
	}
	for _, k := range st.Keys() {
		rows = append(rows, row(st.Sessions[k], nil))
	}
	if table && width > 0 {
		rows = fitColumns(rows, width)
	}
	writeColumns(w, rows)
}

// writeColumns writes rows of cells, each column as wide as its widest
// cell and two spaces apart, the last cell unpadded.
func writeColumns(w io.Writer, rows [][]string) {
	widths := columnWidths(rows)
	bw := bufio.NewWriter(w)
	for _, cells := range rows {
		for i, c := range cells {
			bw.WriteString(c)
			if i < len(cells)-1 {
				bw.WriteString(strings.Repeat(" ", widths[i]-escape.Width(c)+2))
			}
		}
		bw.WriteByte('\n')
	}
	bw.Flush()
}

// columnWidths is the widest cell of each column but the last, which is
// not padded.
func columnWidths(rows [][]string) []int {
	var widths []int
	for _, cells := range rows {
		for i, c := range cells[:max(len(cells)-1, 0)] {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], escape.Width(c))
		}
	}
	return widths
}

// lineWidth is the widest line writeColumns writes of rows.
func lineWidth(rows [][]string) int {
	n := 0
	for _, w := range columnWidths(rows) {
		n += w + 2
	}
	last := 0
	for _, cells := range rows {
		if len(cells) > 0 {
			last = max(last, escape.Width(cells[len(cells)-1]))
		}
	}
	return n + last
}

// fitColumns fits the session table to width cells, as the TUI does: the
// least needed columns go first (user, organization, type, token: what
// shows a problem stays longest), then long session keys are cut with
// "…". The session and its expiry always stay. rows[0] is the header.
func fitColumns(rows [][]string, width int) [][]string {
	rows = dropColumns(rows, width, "USER", "ORGANIZATION", "TYPE", "TOKEN")
	return cutColumn(rows, 0, lineWidth(rows)-width)
}

// dropColumns drops the columns named (in rows[0], the header), in turn,
// until the rows fit width.
func dropColumns(rows [][]string, width int, names ...string) [][]string {
	for _, name := range names {
		col := slices.Index(rows[0], name)
		if lineWidth(rows) <= width || col < 0 {
			continue
		}
		for i, cells := range rows {
			rows[i] = slices.Delete(slices.Clone(cells), col, col+1)
		}
	}
	return rows
}

// cutColumn cuts the cells of column col by over cells, with "…", to no
// fewer than 12.
func cutColumn(rows [][]string, col, over int) [][]string {
	if over <= 0 {
		return rows
	}
	widest := 0
	for _, cells := range rows {
		widest = max(widest, escape.Width(cells[col]))
	}
	w := max(widest-over, 12)
	for i, cells := range rows {
		if escape.Width(cells[col]) > w {
			cells = slices.Clone(cells)
			cells[col] = ansi.Truncate(cells[col], w, "…")
			rows[i] = cells
		}
	}
	return rows
}
