package text

import "fmt"

// CodeRefused says that Turnkey refused the code typed, and how many
// tries the code has left (left < 0: not known).
func CodeRefused(left int) string {
	switch {
	case left < 0:
		return "That is not the code Turnkey sent: type the code again."
	case left == 1:
		return "That is not the code Turnkey sent: 1 try left; type the code again."
	}
	return fmt.Sprintf("That is not the code Turnkey sent: %d tries left; type the code again.", left)
}

// Why a code login needs a new code.
const (
	CodeOutOfTries = iota // the last try was wrong
	CodeExpired           // the code outlived its life
	CodeSpent             // Turnkey takes it no more
)

// NewCode says why a code login needs a new code, which is on its way;
// tries is how many a code takes (0: not known).
func NewCode(why, tries int) string {
	const sent = ": a new code is needed, and Turnkey is asked for one."
	switch {
	case why == CodeOutOfTries && tries > 0:
		return fmt.Sprintf("That was the code's last try (of %d)%s", tries, sent)
	case why == CodeOutOfTries:
		return "That was the code's last try" + sent
	case why == CodeExpired:
		return "That code has expired" + sent
	}
	return "Turnkey takes that code no more" + sent
}
