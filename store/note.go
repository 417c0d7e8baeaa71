package store

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/tkauth/tkauth/session"
)

// The note is a small file beside the session file that records the last
// step of a logout, the key pairs whose private keys are now deleted
// leaving the index, without rewriting (and syncing) the whole session
// file a second time: a logout of one session among 10,000 wrote 10 MB
// twice. It is a session.Recoverable commit and nothing else:
//
//   - it names the generation of the session file it applies to, so the
//     next write of the file makes it stale, and a stale note is ignored;
//   - it only removes key pairs the file marks Deleting, whose keys were
//     deleted durably before it was written;
//   - it is written without a sync: a crash may lose it, or leave it empty
//     or torn, and a note that does not read whole is ignored. Either way
//     the file's marks stand, as they did before the note, and the next
//     prune finishes the deletes (of keys already gone).
//
// So a note that is lost, stale, damaged or unsafe costs only a prune; it
// can never drop a key pair whose key is still there.
const noteName = "sessions.deleted"

// maxNoteSize bounds what is read of a note: one line a key pair.
const maxNoteSize = MaxFileSize

type note struct {
	Gen     string   `json:"gen"`
	Deleted []string `json:"deleted"`
}

func (f *File) notePath() string { return filepath.Join(f.dir, noteName) }

// noteID is the identity of the note file, or the zero fileID if there is
// none, it cannot be looked at, or it is not a regular file.
func (f *File) noteID() fileID {
	fi, err := os.Lstat(f.notePath())
	if err != nil || !fi.Mode().IsRegular() {
		return fileID{}
	}
	return identity(fi)
}

// readNote returns the key pairs the note says are deleted from the file
// of generation gen; none if the note is missing, for another generation,
// not a private regular file, or does not decode whole. A note for
// another generation is not read past its first bytes.
func (f *File) readNote(gen string) []string {
	if gen == "" {
		return nil
	}
	path := f.notePath()
	file, fi, err := openRegular(path)
	if err != nil {
		return nil
	}
	defer file.Close()
	if checkSafe(path, fi) != nil || fi.Size() > maxNoteSize {
		return nil
	}
	head := []byte(`{"gen":"` + gen + `"`)
	data := make([]byte, len(head))
	if _, err := io.ReadFull(file, data); err != nil || !bytes.Equal(data, head) {
		return nil
	}
	rest, err := io.ReadAll(io.LimitReader(file, maxNoteSize))
	if err != nil || len(data)+len(rest) > maxNoteSize {
		return nil
	}
	var n note
	if json.Unmarshal(append(data, rest...), &n) != nil || n.Gen != gen {
		return nil
	}
	return n.Deleted
}

// applyNote drops from st the key pairs in deleted that st marks Deleting,
// and returns those it dropped.
func applyNote(st *session.State, deleted []string) []string {
	var applied []string
	for _, pub := range deleted {
		if kp, ok := st.KeyPairs[pub]; ok && kp.Deleting {
			delete(st.KeyPairs, pub)
			applied = append(applied, pub)
		}
	}
	return applied
}

// forgotten reports whether st differs from the state last read or
// written only in key pairs that state marks Deleting and st no longer
// holds, and returns those. Only such a change can go in the note.
func (f *File) forgotten(st *session.State) ([]string, bool) {
	old := f.state
	if old == nil || f.gen == "" || st.Active != old.Active || st.Previous != old.Previous ||
		len(st.Sessions) != len(old.Sessions) || len(st.KeyPairs) >= len(old.KeyPairs) {
		return nil, false
	}
	for k, s := range st.Sessions {
		if o, ok := old.Sessions[k]; !ok || o != s {
			return nil, false
		}
	}
	var gone []string
	for pub, kp := range old.KeyPairs {
		now, ok := st.KeyPairs[pub]
		switch {
		case !ok && kp.Deleting:
			gone = append(gone, pub)
		case !ok || now != kp:
			return nil, false
		}
	}
	if len(st.KeyPairs)+len(gone) != len(old.KeyPairs) {
		return nil, false
	}
	slices.Sort(gone)
	return gone, true
}

// writeNote records, for the file of the known generation, that the key
// pairs in gone (with those the note already held) left the index, and
// makes st the known state. It writes the note in place, syncing nothing:
// a reader that meets it half-written, like one after a crash, finds no
// whole JSON object and ignores it.
func (f *File) writeNote(st *session.State, gone []string) error {
	all := append(slices.Clone(f.noted), gone...)
	data, err := json.Marshal(note{Gen: f.gen, Deleted: all})
	if err != nil {
		return err
	}
	file, err := os.OpenFile(f.notePath(), os.O_WRONLY|os.O_CREATE|os.O_TRUNC|noFollow|nonBlock, filePerm)
	if err != nil {
		return err
	}
	fi, err := file.Stat()
	if err == nil {
		err = checkRegular(f.notePath(), fi)
	}
	if err == nil {
		_, err = file.Write(append(data, '\n'))
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	// The known state is st: the one known less the pairs gone.
	for _, pub := range gone {
		delete(f.state.KeyPairs, pub)
	}
	f.noted, f.noteKnown = all, f.noteID()
	// The cache keeps the encodings of the pairs gone: the next write's
	// update drops them.
	return nil
}

// fileWritten is told that the file was replaced: the note, naming the
// generation replaced, is stale. It is left to be overwritten by the next
// note, since removing it right after the file's sync makes this file
// system wait for its journal twice (once for the remove, once for the
// next note's creation); one over a page is removed, so that a stale
// note of thousands of pairs is not kept.
func (f *File) fileWritten() {
	if f.noteKnown.size > 4096 {
		os.Remove(f.notePath())
		f.noteKnown = fileID{}
	}
	f.noted = nil
}
