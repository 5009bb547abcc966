package review

// Fingerprints of reviewed conversations: MinHash signatures of the
// messages of confirmed scams (set "scam") and confirmed honest
// conversations (set "legit"), found by LSH band keys (package
// review/fingerprint computes signatures and bands; this file only keeps
// them). Keys:
//
//	<prefix>{fp}:<set>:band:<band>   set    "<case>/<n>" of the signatures with that band   fingerprintTTL
//	<prefix>{fp}:<set>:case:<case>   hash   n → signature (hex)   fingerprintTTL
//
// The shared {fp} hash tag lets one script union the bands of a whole
// window and read the candidates' signatures in one round trip, in Cluster
// too. Signatures hold no text; they expire fingerprintTTL after the case's
// last confirmation, so a script nobody sends any more is forgotten.

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// fingerprintTTL is how long a confirmed case's signatures are kept.
const fingerprintTTL = 180 * 24 * time.Hour

// The fingerprint sets.
const (
	fingerprintsScam  = "scam"
	fingerprintsLegit = "legit"
)

// maxCandidates bounds the work of one lookup: a band shared by very many
// stored messages (a script confirmed hundreds of times) is still read
// only this far.
const maxCandidates = 2000

// storedSignature is a candidate returned by SignatureCandidates.
type storedSignature struct {
	// Case is the case the signature was learnt from; Index its position
	// among that case's signatures.
	Case  string
	Index int
	// Signature is as the caller stored it.
	Signature string
	// CaseSignatures is how many signatures the case has.
	CaseSignatures int
}

func (s *storage) fingerprintKey(set, what string) string {
	return s.Prefix + "{fp}:" + set + ":" + what
}

func validSet(set string) error {
	if set != fingerprintsScam && set != fingerprintsLegit {
		return fmt.Errorf("fingerprint set %q: want %q or %q", set, fingerprintsScam, fingerprintsLegit)
	}
	return nil
}

// AddSignatures stores the signatures of case caseID in set, each under its
// band keys (bands[i] are the keys of signatures[i]), replacing what the
// case had, and refreshes their TTL.
func (s *storage) AddSignatures(ctx context.Context, set, caseID string, signatures []string, bands [][]string) error {
	if err := validSet(set); err != nil {
		return err
	}
	if len(bands) != len(signatures) {
		return fmt.Errorf("add signatures of case %s: %d signatures, %d band lists", caseID, len(signatures), len(bands))
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	caseKey := s.fingerprintKey(set, "case:"+caseID)
	_, err := s.Client.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.Del(ctx, caseKey)
		for i, sig := range signatures {
			member := caseID + "/" + strconv.Itoa(i)
			pipe.HSet(ctx, caseKey, strconv.Itoa(i), sig)
			for _, band := range bands[i] {
				key := s.fingerprintKey(set, "band:"+band)
				pipe.SAdd(ctx, key, member)
				pipe.PExpire(ctx, key, fingerprintTTL)
			}
		}
		pipe.PExpire(ctx, caseKey, fingerprintTTL)
		return nil
	})
	if err != nil {
		return fmt.Errorf("add %s signatures of case %s: %w", set, caseID, err)
	}
	return nil
}

// RemoveSignatures deletes the signatures of caseID from set (a decision
// that was corrected); bands are the keys they were stored under.
func (s *storage) RemoveSignatures(ctx context.Context, set, caseID string, bands [][]string) error {
	if err := validSet(set); err != nil {
		return err
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	_, err := s.Client.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.Del(ctx, s.fingerprintKey(set, "case:"+caseID))
		for i, keys := range bands {
			for _, band := range keys {
				pipe.SRem(ctx, s.fingerprintKey(set, "band:"+band), caseID+"/"+strconv.Itoa(i))
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("remove %s signatures of case %s: %w", set, caseID, err)
	}
	return nil
}

// candidatesScript unions the band sets and reads each candidate's
// signature and its case's signature count.
//
// KEYS: band sets. ARGV: case key prefix, max candidates.
// Returns flat {member, signature, count, …}.
var candidatesScript = redis.NewScript(`
local members = redis.call("SUNION", unpack(KEYS))
local out = {}
local limit = tonumber(ARGV[2])
for i, member in ipairs(members) do
  if i > limit then break end
  local slash = string.find(member, "/", 1, true)
  if slash then
    local key = ARGV[1] .. string.sub(member, 1, slash - 1)
    local sig = redis.call("HGET", key, string.sub(member, slash + 1))
    if sig then
      out[#out + 1] = member
      out[#out + 1] = sig
      out[#out + 1] = redis.call("HLEN", key)
    end
  end
end
return out
`)

// SignatureCandidates returns the stored signatures of set that share at
// least one of bands; the caller decides which are near enough.
func (s *storage) SignatureCandidates(ctx context.Context, set string, bands []string) ([]storedSignature, error) {
	if err := validSet(set); err != nil {
		return nil, err
	}
	if len(bands) == 0 {
		return nil, nil
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	keys := make([]string, len(bands))
	for i, band := range bands {
		keys[i] = s.fingerprintKey(set, "band:"+band)
	}
	res, err := candidatesScript.Run(ctx, s.Client, keys, s.fingerprintKey(set, "case:"), maxCandidates).Slice()
	if err != nil {
		return nil, fmt.Errorf("look up %s signatures: %w", set, err)
	}
	out := make([]storedSignature, 0, len(res)/3)
	for i := 0; i+2 < len(res); i += 3 {
		member, _ := res[i].(string)
		sig, _ := res[i+1].(string)
		count, _ := res[i+2].(int64)
		caseID, index, _ := strings.Cut(member, "/")
		n, err := strconv.Atoi(index)
		if err != nil {
			continue
		}
		out = append(out, storedSignature{Case: caseID, Index: n, Signature: sig, CaseSignatures: int(count)})
	}
	return out, nil
}
