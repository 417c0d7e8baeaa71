// Package turnkey is a small client of Turnkey's API: the calls tkauth
// needs to log in, refresh, revoke and check a session, each request
// stamped by a key as Turnkey requires: a session's own P-256 key pair, or
// a user's API key on any curve Turnkey's CLI makes (P-256, secp256k1,
// Ed25519).
//
// Its surface is what a client uses; the server's side (checking stamps,
// the enclave's signing and decrypting) is turnkeytest's, and the wire
// format both speak is generated into turnkey/internal/wire:
//
//   - [Client] (from [New]) calls the API, retrying 429 and 5xx answers:
//     Whoami, StampLogin, StampLoginAttested, GetAPIKeys, DeleteAPIKeys,
//     RevokeSessionKey, Call, and code login's InitOTP ([OTPRequest],
//     [OTP]), VerifyOTP, VerifiedSubOrgs and OTPLogin. [AuthProxy] (from
//     [NewAuthProxy]) calls the Auth Proxy, never retried: its Config
//     ([ProxyConfig]), InitOTP and VerifyOTP.
//   - [CodeLogin] runs a login by code over either; its steps are public
//     for their tests: [VerifyTargetBundle] (a [Target]), [EncryptCode],
//     [VerifyVerificationToken] (a [VerificationToken]) and [SignLogin].
//   - [OAuthLogin] runs a social login ([Providers], [Provider],
//     [LookupProvider], [ProviderNames]) through the Auth Proxy's
//     OAuthConfig ([OAuthConfig], [OAuthStart]), OAuth2Authenticate and
//     Account, and [Client].StampLoginOIDC; the browser's answer comes to
//     [RedirectURI] ([DefaultRedirectPort], [RedirectPath]). Its steps are
//     public for their tests: [PKCE], [OAuthNonce], [ReadIDToken] and
//     [CheckIDToken] ([IDClaims]). Its errors: [ErrNotEnabled],
//     [ErrNoClientID], [ErrWrongState], [ErrNotLoopback], [ErrTokenNonce],
//     [ErrTokenAudience], [ErrOIDCExpired], [ErrProviderSaid], and a
//     [NewUserError] for someone the app does not know.
//   - MFA: an activity that waits for factors asks [Client].Approve which
//     [Approver]s prove them ([KeyApprover] for an API key or a session,
//     [CodeApprover] for an email or SMS code; each Factor is one of
//     [FactorAPIKey], [FactorSession], [FactorEmailOTP], [FactorSMSOTP]),
//     each approving it by its fingerprint; [MFANeeded] says what it waits
//     for, in words ([FactorWords]) and as Turnkey's types.
//   - Keys: [Stamp] signs a request's body; [KeyFromHex], [ParseKey],
//     [LoadKeyFile] and the tkcli and tk key files make the signers; tvc's
//     profiles ([TVCProfiles], [LoadTVCKey]) and the public keys of both
//     CLIs' keys ([CLIPublicKeys], [TVCPublicKeys]) are found.
//   - Errors: an answer other than 200 is an [APIError] or a [ProxyError]
//     (their Unwrap and Is name the kind); an activity left waiting for
//     factors is an [MFAError]. Test the kind with errors.Is:
//     [ErrBadCredentials], [ErrUnknownKey], [ErrExpiredKey],
//     [ErrUnknownOrganization], [ErrRateLimited], [ErrActivityFailed],
//     [ErrMFANeeded], [ErrUnexpectedAnswer], [ErrAnswerTooLarge],
//     [ErrInsecureURL]; for code login [ErrWrongCode], [ErrTooManyCodes],
//     [ErrCaptcha], [ErrOrigin], [ErrCodeExpired], [ErrCodeSpent],
//     [ErrUnknownConfig], [ErrUntrusted], [ErrTokenExpired]; a refusal by
//     a policy or a session's scope (code 7) is session.ErrDenied. [Advice] says
//     Turnkey's words about a code login in tkauth's.
package turnkey
