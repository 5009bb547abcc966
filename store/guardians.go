package store

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Guardians are people a user asked to be told when a conversation the
// user forwards to the bot reaches a scam verdict. A link exists only after
// the guardian accepted an invitation in their own private chat with the
// bot, and either side can remove it. Keys (no TTL on links; a user's keys
// share the hash tag {g:<user>}, apart from the chat's {c:…} keys):
//
//	<prefix>{g:<user>}:guardians  hash  guardian id → guardian's display name
//	<prefix>{g:<guardian>}:wards  hash  user id → user's display name
//	<prefix>grd-invite:<token>    string invitation JSON   GuardianInviteTTL
//
// A link is written on both sides; the two keys lie in different Cluster
// slots, so the two writes are separate commands (a crash between them
// leaves a one-sided link, which RemoveGuardian also cleans up).

// GuardianInviteTTL is how long an invitation can be accepted.
const GuardianInviteTTL = 24 * time.Hour

// MaxGuardians bounds how many guardians a user can have.
const MaxGuardians = 5

// GuardianInvite is an invitation a user made for a guardian to accept.
type GuardianInvite struct {
	// User is who asks to be looked after; Name is how the guardian will see them.
	User int64  `json:"user"`
	Name string `json:"name"`
	// Lang is the user's language, for the note telling them of the answer.
	Lang string `json:"lang,omitempty"`
}

// GuardianLink is one side of a link: the other person's id and name.
type GuardianLink struct {
	ID   int64
	Name string
}

// ErrTooManyGuardians is returned by AcceptGuardianInvite when the user
// already has MaxGuardians guardians.
var ErrTooManyGuardians = errors.New("too many guardians")

// ErrOwnGuardian is returned by AcceptGuardianInvite when the guardian is
// the inviting user.
var ErrOwnGuardian = errors.New("a user cannot be their own guardian")

func (s *Store) guardiansKey(user int64) string {
	return s.cfg.Prefix + "{g:" + strconv.FormatInt(user, 10) + "}:guardians"
}

func (s *Store) wardsKey(guardian int64) string {
	return s.cfg.Prefix + "{g:" + strconv.FormatInt(guardian, 10) + "}:wards"
}

func (s *Store) inviteKey(token string) string { return s.cfg.Prefix + "grd-invite:" + token }

// SaveGuardianInvite stores an invitation under token for GuardianInviteTTL.
func (s *Store) SaveGuardianInvite(ctx context.Context, token string, invite GuardianInvite) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	raw, err := json.Marshal(invite)
	if err != nil {
		return fmt.Errorf("encode guardian invitation: %w", err)
	}
	if err := s.client.Set(ctx, s.inviteKey(token), raw, GuardianInviteTTL).Err(); err != nil {
		return fmt.Errorf("save guardian invitation of user %d: %w", invite.User, err)
	}
	return nil
}

// PeekGuardianInvite returns the invitation stored under token without
// using it up; ok is false when there is none (expired, used, or made up).
func (s *Store) PeekGuardianInvite(ctx context.Context, token string) (invite GuardianInvite, ok bool, err error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	raw, err := s.client.Get(ctx, s.inviteKey(token)).Bytes()
	return decodeInvite(raw, err)
}

func decodeInvite(raw []byte, err error) (GuardianInvite, bool, error) {
	if errors.Is(err, redis.Nil) {
		return GuardianInvite{}, false, nil
	}
	if err != nil {
		return GuardianInvite{}, false, fmt.Errorf("read guardian invitation: %w", err)
	}
	var invite GuardianInvite
	if err := json.Unmarshal(raw, &invite); err != nil {
		return GuardianInvite{}, false, fmt.Errorf("decode guardian invitation: %w", err)
	}
	return invite, true, nil
}

// AcceptGuardianInvite uses up the invitation under token and links its
// user to guardian, under the names each will see. ok is false when there
// was no such invitation. An invitation can be used once: two presses of
// the button link once.
func (s *Store) AcceptGuardianInvite(ctx context.Context, token string, guardian GuardianLink) (invite GuardianInvite, ok bool, err error) {
	callCtx, cancel := s.bound(ctx)
	raw, err := s.client.GetDel(callCtx, s.inviteKey(token)).Bytes()
	cancel()
	invite, ok, err = decodeInvite(raw, err)
	if !ok || err != nil {
		return invite, ok, err
	}
	if invite.User == guardian.ID {
		return invite, true, ErrOwnGuardian
	}
	ctx, cancel = s.bound(ctx)
	defer cancel()
	existing, err := s.client.HLen(ctx, s.guardiansKey(invite.User)).Result()
	if err != nil {
		return invite, true, fmt.Errorf("count guardians of user %d: %w", invite.User, err)
	}
	already, err := s.client.HExists(ctx, s.guardiansKey(invite.User), strconv.FormatInt(guardian.ID, 10)).Result()
	if err != nil {
		return invite, true, fmt.Errorf("read guardians of user %d: %w", invite.User, err)
	}
	if existing >= MaxGuardians && !already {
		return invite, true, ErrTooManyGuardians
	}
	if err := s.client.HSet(ctx, s.guardiansKey(invite.User), strconv.FormatInt(guardian.ID, 10), guardian.Name).Err(); err != nil {
		return invite, true, fmt.Errorf("link guardian %d to user %d: %w", guardian.ID, invite.User, err)
	}
	if err := s.client.HSet(ctx, s.wardsKey(guardian.ID), strconv.FormatInt(invite.User, 10), invite.Name).Err(); err != nil {
		return invite, true, fmt.Errorf("link user %d to guardian %d: %w", invite.User, guardian.ID, err)
	}
	return invite, true, nil
}

// Guardians lists user's guardians, by id.
func (s *Store) Guardians(ctx context.Context, user int64) ([]GuardianLink, error) {
	return s.links(ctx, s.guardiansKey(user), "guardians of user", user)
}

// Wards lists the users guardian looks after, by id.
func (s *Store) Wards(ctx context.Context, guardian int64) ([]GuardianLink, error) {
	return s.links(ctx, s.wardsKey(guardian), "users guarded by", guardian)
}

func (s *Store) links(ctx context.Context, key, what string, id int64) ([]GuardianLink, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	fields, err := s.client.HGetAll(ctx, key).Result()
	if err != nil {
		return nil, fmt.Errorf("read %s %d: %w", what, id, err)
	}
	return linksOf(fields), nil
}

// linksOf reads a guardians or wards hash.
func linksOf(fields map[string]string) []GuardianLink {
	links := make([]GuardianLink, 0, len(fields))
	for field, name := range fields {
		other, err := strconv.ParseInt(field, 10, 64)
		if err != nil {
			continue // not written by this package
		}
		links = append(links, GuardianLink{ID: other, Name: name})
	}
	slices.SortFunc(links, func(a, b GuardianLink) int { return cmp.Compare(a.ID, b.ID) })
	return links
}

// RemoveGuardian removes the link between user and guardian, both sides,
// and reports whether there was one. Either of them may ask.
func (s *Store) RemoveGuardian(ctx context.Context, user, guardian int64) (bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	fromUser, err := s.client.HDel(ctx, s.guardiansKey(user), strconv.FormatInt(guardian, 10)).Result()
	if err != nil {
		return false, fmt.Errorf("remove guardian %d of user %d: %w", guardian, user, err)
	}
	fromGuardian, err := s.client.HDel(ctx, s.wardsKey(guardian), strconv.FormatInt(user, 10)).Result()
	if err != nil {
		return fromUser > 0, fmt.Errorf("remove user %d from guardian %d: %w", user, guardian, err)
	}
	return fromUser+fromGuardian > 0, nil
}

// ForgetGuardianLinks removes every guardian link of user, both as the one
// looked after and as a guardian, for the user's /forget; it returns the
// links removed.
func (s *Store) ForgetGuardianLinks(ctx context.Context, user int64) ([]GuardianLink, error) {
	guardians, err := s.Guardians(ctx, user)
	if err != nil {
		return nil, err
	}
	wards, err := s.Wards(ctx, user)
	if err != nil {
		return nil, err
	}
	for _, g := range guardians {
		if _, err := s.RemoveGuardian(ctx, user, g.ID); err != nil {
			return nil, err
		}
	}
	for _, w := range wards {
		if _, err := s.RemoveGuardian(ctx, w.ID, user); err != nil {
			return nil, err
		}
	}
	return append(guardians, wards...), nil
}
