package turnkey_test

import (
	"context"
	"testing"
	"time"

	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

// Two submissions of the same request in the same millisecond are two
// activities: Turnkey takes the same body for the same activity, so their
// timestamps differ even when the clock has not moved.
func TestSubmissionsInOneMillisecondDiffer(t *testing.T) {
	ctx := context.Background()
	srv := turnkeytest.New()
	defer srv.Close()
	apiKey := srv.NewAPIKey("o", "u")
	c := srv.Client()
	at := time.Now()
	c.Now = func() time.Time { return at }
	r := turnkey.OTPRequest{Type: turnkey.OTPEmail, Contact: turnkeytest.SandboxEmail, AppName: "tkauth"}
	a, err := c.InitOTP(ctx, apiKey, "o", r)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.InitOTP(ctx, apiKey, "o", r)
	if err != nil || a.ID == b.ID {
		t.Errorf("the second code: %+v, %v; the first was %s", b, err, a.ID)
	}
}
