package store

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestGuardianLinks(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, Config{})
			ctx := context.Background()
			const user, guardian, stranger = 101, 202, 303
			if err := s.SaveGuardianInvite(ctx, "tok1", GuardianInvite{User: user, Name: "Mum", Lang: "en"}); err != nil {
				t.Fatal(err)
			}
			invite, ok, err := s.PeekGuardianInvite(ctx, "tok1")
			if err != nil || !ok || invite.User != user || invite.Name != "Mum" {
				t.Fatalf("peek: %+v %v %v", invite, ok, err)
			}
			if _, ok, err := s.PeekGuardianInvite(ctx, "made-up"); ok || err != nil {
				t.Fatalf("a made-up token was found (%v)", err)
			}
			if _, ok, err := s.AcceptGuardianInvite(ctx, "tok1", GuardianLink{ID: guardian, Name: "Ann"}); !ok || err != nil {
				t.Fatalf("accept: %v %v", ok, err)
			}
			if _, ok, _ := s.AcceptGuardianInvite(ctx, "tok1", GuardianLink{ID: stranger, Name: "Eve"}); ok {
				t.Fatal("an invitation was used twice")
			}
			guardians, err := s.Guardians(ctx, user)
			if err != nil || !slices.Equal(guardians, []GuardianLink{{ID: guardian, Name: "Ann"}}) {
				t.Fatalf("guardians %+v (%v)", guardians, err)
			}
			wards, err := s.Wards(ctx, guardian)
			if err != nil || !slices.Equal(wards, []GuardianLink{{ID: user, Name: "Mum"}}) {
				t.Fatalf("wards %+v (%v)", wards, err)
			}
			// The guardian revokes: both sides are gone.
			if removed, err := s.RemoveGuardian(ctx, user, guardian); !removed || err != nil {
				t.Fatalf("remove: %v %v", removed, err)
			}
			if g, _ := s.Guardians(ctx, user); len(g) != 0 {
				t.Errorf("after revoking the user still has guardians %+v", g)
			}
			if w, _ := s.Wards(ctx, guardian); len(w) != 0 {
				t.Errorf("after revoking the guardian still has wards %+v", w)
			}
			if removed, _ := s.RemoveGuardian(ctx, user, guardian); removed {
				t.Error("removing twice reported a removal")
			}
			// Nobody guards themselves.
			s.SaveGuardianInvite(ctx, "tok2", GuardianInvite{User: user, Name: "Mum"})
			if _, _, err := s.AcceptGuardianInvite(ctx, "tok2", GuardianLink{ID: user, Name: "Mum"}); !errors.Is(err, ErrOwnGuardian) {
				t.Errorf("self-guarding: %v, want ErrOwnGuardian", err)
			}
			// At most MaxGuardians.
			for i := range MaxGuardians + 1 {
				token := "cap" + string(rune('a'+i))
				s.SaveGuardianInvite(ctx, token, GuardianInvite{User: user, Name: "Mum"})
				_, _, err := s.AcceptGuardianInvite(ctx, token, GuardianLink{ID: int64(1000 + i), Name: "G"})
				if i < MaxGuardians && err != nil || i == MaxGuardians && !errors.Is(err, ErrTooManyGuardians) {
					t.Errorf("guardian %d: %v", i+1, err)
				}
			}
		})
	}
}

func TestGroupWarningStateBudgetAndMove(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, Config{})
			ctx := context.Background()
			const group, supergroup = -42, -1000000000042
			for i, text := range []string{"one", "two", "three"} {
				if _, err := s.Append(ctx, group, Entry{ID: int64(i + 1), From: "other", Text: text, Time: time.Now()}); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.SaveSettings(ctx, group, Settings{Sensitivity: "high", Quiet: true, Guardians: true, ShareConsent: true}); err != nil {
				t.Fatal(err)
			}
			if level, err := s.WarnedLevel(ctx, group); level != "" || err != nil {
				t.Fatalf("warned level before any warning: %q %v", level, err)
			}
			at := time.UnixMilli(time.Now().UnixMilli())
			if err := s.MarkGroupWarned(ctx, group, "refund|taobao", at, "suspicious", time.Minute); err != nil {
				t.Fatal(err)
			}
			if level, _ := s.WarnedLevel(ctx, group); level != "suspicious" {
				t.Errorf("warned level %q, want suspicious", level)
			}
			if warnings, err := s.GroupWarnings(ctx, group, time.Minute); err != nil || warnings["refund|taobao"] != (GroupWarning{At: at, Level: "suspicious"}) || len(warnings) != 1 {
				t.Errorf("warnings %v (%v), want refund|taobao at %v", warnings, err, at)
			}
			for i := range 3 {
				allowed, err := s.AllowGroupWarning(ctx, group, 2)
				if err != nil || allowed != (i < 2) {
					t.Errorf("warning %d: allowed %v (%v), want %v", i+1, allowed, err, i < 2)
				}
			}
			if first, _ := s.MarkOnce(ctx, group, "alert:7"); !first {
				t.Error("MarkOnce was not first the first time")
			}
			if again, _ := s.MarkOnce(ctx, group, "alert:7"); again {
				t.Error("MarkOnce was first twice")
			}

			moved, err := s.MoveChat(ctx, group, supergroup)
			if err != nil || !moved {
				t.Fatalf("move: %v %v", moved, err)
			}
			conv, err := s.Load(ctx, supergroup)
			if err != nil {
				t.Fatal(err)
			}
			if len(conv.Window) != 3 || conv.Window[2].Text != "three" || conv.Seq != 3 || !conv.WarnedAt.Equal(at) {
				t.Errorf("moved conversation %+v", conv)
			}
			want := Settings{Sensitivity: "high", Quiet: true, Guardians: true, ShareConsent: true}
			if conv.Settings != want {
				t.Errorf("moved settings %+v, want %+v", conv.Settings, want)
			}
			if allowed, _ := s.AllowGroupWarning(ctx, supergroup, 2); allowed {
				t.Error("the budget did not move with the group")
			}
			if keys := keysMatching(t, s, s.ChatKeyPattern(group)); len(keys) != 0 {
				t.Errorf("the old group kept keys %v", keys)
			}
			// A second move (the other migration message) changes nothing.
			if moved, err := s.MoveChat(ctx, group, supergroup); moved || err != nil {
				t.Errorf("second move: %v %v", moved, err)
			}
			if conv, _ := s.Load(ctx, supergroup); len(conv.Window) != 3 {
				t.Errorf("second move changed the window: %d messages", len(conv.Window))
			}
			if n, err := s.ForgetGroup(ctx, supergroup); err != nil || n != 4 {
				t.Errorf("forget group deleted %d keys (%v), want 4", n, err)
			}
			if keys := keysMatching(t, s, s.ChatKeyPattern(supergroup)); len(keys) != 0 {
				t.Errorf("forgotten group kept keys %v", keys)
			}
		})
	}
}

// TestGroupWarningsArePerKindAndExpireWithTheCooldown: each scam kind keeps
// its own last warning; one older than the cool-down is not returned, and
// the hash is gone from the store a cool-down after the latest warning.
func TestGroupWarningsArePerKindAndExpireWithTheCooldown(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, Config{})
			ctx := context.Background()
			const group, cooldown = -43, 10 * time.Minute
			now := time.UnixMilli(time.Now().UnixMilli())
			marks := []struct {
				kind string
				at   time.Time
			}{
				{"police|", now.Add(-2 * cooldown)},
				{"refund|taobao", now.Add(-time.Minute)},
				{"safe_account|icbc", now},
			}
			for _, m := range marks {
				if err := s.MarkGroupWarned(ctx, group, m.kind, m.at, "scam", cooldown); err != nil {
					t.Fatal(err)
				}
			}
			warnings, err := s.GroupWarnings(ctx, group, cooldown)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]GroupWarning{"refund|taobao": {now.Add(-time.Minute), "scam"}, "safe_account|icbc": {now, "scam"}}
			if len(warnings) != len(want) {
				t.Fatalf("warnings %v, want %v", warnings, want)
			}
			for kind, w := range want {
				if warnings[kind] != w {
					t.Errorf("%s: %v, want %v", kind, warnings[kind], w)
				}
			}
			if err := s.MarkGroupWarned(ctx, group, "refund|taobao", now, "scam", 50*time.Millisecond); err != nil {
				t.Fatal(err)
			}
			if ttl := s.client.PTTL(ctx, s.chatKey(group, "warned")).Val(); ttl <= 0 || ttl > 50*time.Millisecond {
				t.Fatalf("cool-down TTL %v, want the latest warning's 50ms", ttl)
			}
			if s.Embedded() {
				return // miniredis expires keys only when its clock is moved (each minute)
			}
			waitGone := time.Now().Add(5 * time.Second)
			for len(keysMatching(t, s, s.ChatKeyPattern(group))) > 1 { // conv stays
				if time.Now().After(waitGone) {
					t.Fatalf("the cool-down hash did not expire: %v", keysMatching(t, s, s.ChatKeyPattern(group)))
				}
				time.Sleep(20 * time.Millisecond)
			}
			if warnings, err := s.GroupWarnings(ctx, group, cooldown); err != nil || len(warnings) != 0 {
				t.Errorf("after the TTL: %v (%v), want none", warnings, err)
			}
		})
	}
}

// TestGroupWarningIsClaimedOnce: of replicas deciding at once to warn a
// group about one scam, one may; a rise to scam level is a new warning,
// and the same level again only after the cool-down.
func TestGroupWarningIsClaimedOnce(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, Config{})
			ctx := context.Background()
			const group, cooldown = -47, 10 * time.Minute
			now := time.Now()
			var wins atomic.Int32
			var wg sync.WaitGroup
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ok, err := s.ClaimGroupWarning(ctx, group, "refund|taobao", "suspicious", now, cooldown)
					if err != nil {
						t.Error(err)
					}
					if ok {
						wins.Add(1)
					}
				}()
			}
			wg.Wait()
			if wins.Load() != 1 {
				t.Fatalf("%d replicas claimed the same warning, want 1", wins.Load())
			}
			steps := []struct {
				kind, level string
				at          time.Time
				want        bool
			}{
				{"refund|taobao", "suspicious", now.Add(time.Minute), false},                   // same level, cooling
				{"refund|taobao", "scam", now.Add(time.Minute), true},                          // a rise
				{"refund|taobao", "suspicious", now.Add(2 * time.Minute), false},               // lower than heard
				{"police|", "suspicious", now.Add(2 * time.Minute), true},                      // another scam
				{"refund|taobao", "scam", now.Add(time.Minute + cooldown + time.Second), true}, // cooled down
			}
			for _, st := range steps {
				got, err := s.ClaimGroupWarning(ctx, group, st.kind, st.level, st.at, cooldown)
				if err != nil {
					t.Fatal(err)
				}
				if got != st.want {
					t.Errorf("claim %s at %s (+%s): %v, want %v", st.kind, st.level, st.at.Sub(now), got, st.want)
				}
			}
			warnings, err := s.GroupWarnings(ctx, group, 2*cooldown)
			if err != nil {
				t.Fatal(err)
			}
			if w := warnings["refund|taobao"]; w.Level != "scam" || !w.At.Equal(time.UnixMilli(now.Add(time.Minute+cooldown+time.Second).UnixMilli())) {
				t.Errorf("refund's cool-down %+v, want the last claim's", w)
			}
		})
	}
}
