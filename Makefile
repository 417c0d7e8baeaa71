# The everyday tasks. CI runs `bash .ci/run`: it installs what the tests
# need, runs `make lint`, then the tests with -race in a real keyring.

STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: build test test-keyring lint goldens bench generate demo release-check

build: ## the tkauth binary, here
	CGO_ENABLED=0 go build -o tkauth .

test: ## every test; keyring tests skip without a Secret Service
	go test ./...

test-keyring: ## every test, in a private real Secret Service (gnome-keyring)
	TKAUTH_REQUIRE_KEYRING=1 scripts/with-keyring go test -count=1 ./...

lint: ## gofmt, go mod tidy, generated code, go vet, staticcheck for Linux and macOS, the macOS and OpenBSD builds
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
		if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted" >&2; exit 1; fi
	@# go.mod and go.sum as go mod tidy leaves them: nothing unpinned, nothing stale
	go mod tidy -diff
	@# generated code as the specs in turnkey/spec make it
	go generate ./...
	git diff --exit-code -- turnkey/paths.go turnkey/internal/wire
	go vet ./...
	@# built for this machine, then run for Linux and for macOS
	GOBIN=$(CURDIR)/.bin go install $(STATICCHECK)
	.bin/staticcheck ./...
	GOOS=darwin .bin/staticcheck ./...
	GOOS=darwin go build ./...
	GOOS=openbsd go build ./...
	@# Windows, amd64 and arm64; every package's tests built, not run
	@# (they run under Wine: scripts/with-wine). Unused code is Linux's
	@# check: on Windows the macOS keychain's code and the helpers of
	@# unix-only tests are unused by design.
	GOOS=windows go vet ./...
	GOOS=windows .bin/staticcheck -checks inherit,-U1000 ./...
	GOOS=windows GOARCH=amd64 go build ./...
	GOOS=windows GOARCH=arm64 go build ./...
	GOOS=windows go test -exec /bin/true ./... >/dev/null

goldens: ## rewrite the TUI's golden screens; read the diff before committing
	go test ./ui -run Golden -update

bench: ## the figures of docs/benchmarks.md, against HEAD's binary
	scripts/with-keyring scripts/bench.sh

generate: ## turnkey/paths.go and turnkey/internal/wire from Turnkey's API specs in turnkey/spec
	go generate ./...

.PHONY: vuln
vuln: ## govulncheck, offline: source mode and a release-like binary, against the pinned vulndb module
	scripts/vulncheck

release-check: ## scripts/release twice: the same files, and what they must hold
	scripts/check-release

demo: ## the TUI over sample sessions
	go run . demo
