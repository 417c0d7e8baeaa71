package store

import (
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/tkauth/tkauth/session"
)

// oldNoteName is the note older tkauth wrote as a logout's last step: the
// key pairs, still listed as Deleting in the file of generation Gen, whose
// keys were deleted. Reading drops them, as the logout meant; the next
// write, which has no generation, takes that in and removes the note.
const oldNoteName = "sessions.deleted"

type oldNote struct {
	Gen     string   `json:"gen"`
	Deleted []string `json:"deleted"`
}

func (f *File) oldNotePath() string { return filepath.Join(f.dir, oldNoteName) }

// readOldNote returns the key pairs the note says are deleted from the
// file of generation gen; none if it names another, is not a private
// regular file, or is torn (it was never synced): the marks then stand,
// and a prune finishes.
func (f *File) readOldNote(gen string) []string {
	path := f.oldNotePath()
	file, fi, err := openRegular(path)
	if err != nil {
		return nil
	}
	defer file.Close()
	if checkSafe(path, fi) != nil {
		return nil
	}
	data, err := readCapped(file, MaxFileSize)
	var n oldNote
	if err != nil || json.Unmarshal(data, &n) != nil || n.Gen != gen {
		return nil
	}
	return n.Deleted
}

// applyOldNote drops from st the key pairs in deleted that st marks
// Deleting: the note can say no more than that.
func applyOldNote(st *session.State, deleted []string) {
	for _, pub := range deleted {
		if kp, ok := st.KeyPairs[pub]; ok && kp.Deleting {
			delete(st.KeyPairs, pub)
		}
	}
}

// removeOldNote removes the note once the file it applied to is replaced.
func (f *File) removeOldNote() {
	os.Remove(f.oldNotePath())
}
