package turnkey

// paths.go and internal/wire come from Turnkey's specs, copied into spec/.
//go:generate go run ../scripts/genwire -api spec/turnkey-public-api.swagger.json -proxy spec/turnkey-auth-proxy.swagger.json -paths paths.go -wire internal/wire/wire.go
