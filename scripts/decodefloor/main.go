// Command decodefloor is the floor `tkauth list` is measured against: a Go
// program that reads a session file and decodes it with encoding/json, as
// anyone would, and prints how many sessions it holds
// (docs/benchmarks.md).
//
//	decodefloor /path/to/sessions.json
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"
)

type file struct {
	Version  int    `json:"version"`
	Active   string `json:"active"`
	Previous string `json:"previous"`
	Sessions []struct {
		SessionKey       string    `json:"sessionKey"`
		Token            string    `json:"token"`
		PublicKey        string    `json:"publicKey"`
		UserID           string    `json:"userId"`
		OrganizationID   string    `json:"organizationId"`
		SessionType      string    `json:"sessionType"`
		Expiry           int64     `json:"expiry"`
		SessionProfileID string    `json:"sessionProfileId"`
		Scope            string    `json:"scope"`
		Verified         bool      `json:"verified"`
		StoredAt         time.Time `json:"storedAt"`
		APIBaseURL       string    `json:"apiBaseUrl"`
	} `json:"sessions"`
	KeyPairs []struct {
		PublicKey string    `json:"publicKey"`
		KeyStore  string    `json:"keyStore"`
		CreatedAt time.Time `json:"createdAt"`
		Deleting  bool      `json:"deleting"`
		Unclaimed bool      `json:"unclaimed"`
	} `json:"keyPairs"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: decodefloor SESSION-FILE")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var f file
	if err := json.Unmarshal(data, &f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(len(f.Sessions), "sessions")
}
