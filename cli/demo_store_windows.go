package cli

import (
	"os"

	"golang.org/x/sys/windows"
)

// ownedByMe reports whether this user owns dir.
func ownedByMe(dir string, _ os.FileInfo) bool {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return false
	}
	sd, err := windows.GetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT, windows.OWNER_SECURITY_INFORMATION)
	if err != nil {
		return false
	}
	owner, _, err := sd.Owner()
	return err == nil && owner != nil && owner.Equals(u.User.Sid)
}
