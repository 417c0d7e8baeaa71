package turnkey

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/tkauth/tkauth/turnkey/internal/wire"
)

// The one HTTP exchange of the API's client and the Auth Proxy's: each
// words its errors, and only the API's retries.

// maxBody bounds what is read of an answer; a larger one is an error
// (ErrAnswerTooLarge), never cut.
const maxBody = 4 << 20

// ErrAnswerTooLarge: an answer over maxBody, not read whole.
var ErrAnswerTooLarge = fmt.Errorf("the answer is larger than the %d MiB tkauth reads", maxBody>>20)

// noRedirects is an HTTP client that never follows a redirect: a request
// goes where it was sent, or nowhere.
func noRedirects() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

// exchange POSTs body, exactly, as JSON to url with one more header (a
// stamp, a configuration's ID), and returns
// the answer's status and body. timeout bounds the request, headers and
// body alike. A redirect is a *RedirectError; an answer over maxBody
// is ErrAnswerTooLarge.
func exchange(ctx context.Context, hc *http.Client, timeout time.Duration, url, header, value string, body []byte) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(header, value)
	res, err := hc.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return 0, nil, fmt.Errorf("no answer within %s", timeout)
		}
		return 0, nil, err
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 && res.StatusCode < 400 {
		return 0, nil, &RedirectError{Status: res.StatusCode, Location: res.Header.Get("Location")}
	}
	data, err := io.ReadAll(io.LimitReader(res.Body, maxBody+1))
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return 0, nil, fmt.Errorf("the answer did not arrive whole within %s", timeout)
	case err == nil && len(data) > maxBody:
		return 0, nil, ErrAnswerTooLarge
	}
	return res.StatusCode, data, err
}

// failure reads Turnkey's error body: its gRPC code and message, the
// HTTP status's text if it has none.
func failure(status int, data []byte) (int, string) {
	var f wire.Status
	if json.Unmarshal(data, &f) != nil || f.Message == "" {
		f.Message = strings.TrimSpace(http.StatusText(status))
	}
	if f.Code == nil {
		return 0, f.Message
	}
	return int(*f.Code), f.Message
}
