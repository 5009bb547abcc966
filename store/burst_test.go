package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/scamguard/scamguard/store/storetest"
)

// burstMessage is message id of a burst, its text saying which.
func burstMessage(id int, text string) BurstMessage {
	return BurstMessage{Order: BurstOrder(id, 0), Entry: Entry{ID: int64(id), From: "other", Text: text, Time: time.Unix(1700000000+int64(id), 0)}, ReplyTo: id}
}

// TestBurstIsClaimedOnceInTelegramsOrder: a burst whose messages arrived
// out of order is claimed by exactly one of many concurrent claimers, once
// due, with its messages in message-id order; messages that arrive while
// it is answered stay as the next burst; a claim whose lease ended is
// taken over and the old claimer can no longer append or close.
func TestBurstIsClaimedOnceInTelegramsOrder(t *testing.T) {
	single := storetest.StartServer(t)
	cluster := storetest.StartCluster(t)
	for name, addrs := range map[string][]string{"single": {single.Addr}, "cluster": cluster.Addrs} {
		t.Run(name, func(t *testing.T) {
			s := openStore(t, Config{Addrs: addrs})
			ctx := context.Background()
			const chat, quiet = 42, 150 * time.Millisecond
			for _, id := range []int{12, 10, 11} { // arrival order is not Telegram's
				if err := s.AddToBurst(ctx, chat, burstMessage(id, "m"), quiet); err != nil {
					t.Fatal(err)
				}
			}
			claim := BurstClaim{Quiet: quiet, Lease: 300 * time.Millisecond, Stale: time.Minute}
			if _, ok, err := s.ClaimBurst(ctx, chat, 0, claim); err != nil || ok {
				t.Fatalf("claimed before the burst was quiet: %v %v", ok, err)
			}
			time.Sleep(quiet) // the quiet time itself is what is tested here
			won := claimConcurrently(t, s, chat, claim, 8)
			if len(won) != 1 {
				t.Fatalf("%d claimers won the burst, want 1", len(won))
			}
			burst := won[0]
			var ids []int64
			for _, m := range burst.Messages {
				ids = append(ids, m.Entry.ID)
			}
			if len(ids) != 3 || ids[0] != 10 || ids[1] != 11 || ids[2] != 12 {
				t.Errorf("claimed messages %v, want [10 11 12]", ids)
			}
			// Stored in order, once each, even when a message is appended
			// twice (a replica that died after storing it).
			if _, err := s.AppendClaimed(ctx, chat, burst.Messages[0].Entry, burst.Claim); err != nil {
				t.Fatal(err)
			}
			var entries []Entry
			for _, m := range append(burst.Messages, burst.Messages[0]) {
				entries = append(entries, m.Entry)
			}
			appended, seqs, err := s.AppendBurst(ctx, chat, entries, burst.Claim)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(seqs, []int64{1, 2, 3, 1}) || appended.Seq != 3 {
				t.Errorf("whole-burst append: seqs %v, seq %d; want [1 2 3 1], 3", seqs, appended.Seq)
			}
			conv, _ := s.Load(ctx, chat)
			if len(conv.Window) != 3 || conv.Window[0].ID != 10 || conv.Window[2].ID != 12 {
				t.Errorf("window %+v, want messages 10, 11, 12 once each", conv.Window)
			}
			// A message that arrives meanwhile is the next burst.
			if err := s.AddToBurst(ctx, chat, burstMessage(13, "later"), quiet); err != nil {
				t.Fatal(err)
			}
			if err := s.CloseBurst(ctx, burst, quiet); err != nil {
				t.Fatal(err)
			}
			if n, _ := s.BurstSize(ctx, chat); n != 1 {
				t.Errorf("after the answer the burst holds %d messages, want the one that came meanwhile", n)
			}
			leaseEndsAndIsTakenOver(t, s, chat, quiet)
			if due, _ := s.DueBursts(ctx, time.Now().Add(time.Hour), 10); len(due) != 0 {
				t.Errorf("due-set after every burst was answered: %v", due)
			}
		})
	}
}

// claimConcurrently has n claimers try chat's burst at once and returns
// the bursts they won.
func claimConcurrently(t *testing.T, s *Store, chat int64, claim BurstClaim, n int) []Burst {
	var mu sync.Mutex
	var won []Burst
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := claim
			c.Token = string(rune('a' + i))
			burst, ok, err := s.ClaimBurst(context.Background(), chat, 0, c)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				won = append(won, burst)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return won
}

// leaseEndsAndIsTakenOver: a claim whose lease ended is taken by another
// replica, and the first claimer can no longer append or close.
func leaseEndsAndIsTakenOver(t *testing.T, s *Store, chat int64, quiet time.Duration) {
	t.Helper()
	ctx := context.Background()
	// Lease ends: another replica takes it; the first one's claim is dead.
	time.Sleep(quiet)
	first, ok, err := s.ClaimBurst(ctx, chat, 0, BurstClaim{Token: "first", Quiet: quiet, Lease: 50 * time.Millisecond, Stale: time.Minute})
	if err != nil || !ok {
		t.Fatalf("second burst not claimed: %v %v", ok, err)
	}
	time.Sleep(60 * time.Millisecond)
	second, ok, err := s.ClaimBurst(ctx, chat, 0, BurstClaim{Token: "second", Quiet: quiet, Lease: time.Minute, Stale: time.Minute})
	if err != nil || !ok || len(second.Messages) != 1 {
		t.Fatalf("an expired lease was not taken over: %v %v %+v", ok, err, second)
	}
	if first.Redelivered || !second.Redelivered {
		t.Errorf("redelivered: first claim %v, takeover %v; want false, true", first.Redelivered, second.Redelivered)
	}
	if since := time.Since(second.FirstArrived); second.FirstArrived.IsZero() || since < 0 || since > time.Minute {
		t.Errorf("first arrival %v, want the burst's message's", second.FirstArrived)
	}
	if _, err := s.AppendClaimed(ctx, chat, first.Messages[0].Entry, first.Claim); !errors.Is(err, ErrBurstLost) {
		t.Errorf("the first claimer appended after losing its claim: %v", err)
	}
	if err := s.CloseBurst(ctx, first, quiet); !errors.Is(err, ErrBurstLost) {
		t.Errorf("the first claimer closed after losing its claim: %v", err)
	}
	if err := s.CloseBurst(ctx, second, quiet); err != nil {
		t.Fatal(err)
	}
}

// TestInboundHoldsTheBurstBack: an update stored in the intake and not yet
// handled holds its chat's burst back, until handled or stale.
func TestInboundHoldsTheBurstBack(t *testing.T) {
	s := openStore(t, Config{Addrs: []string{storetest.StartServer(t).Addr}})
	ctx := context.Background()
	const chat = 43
	if err := s.AddToBurst(ctx, chat, burstMessage(1, "m"), 0); err != nil {
		t.Fatal(err)
	}
	if added, err := s.NoteInbound(ctx, chat, 900); err != nil || !added {
		t.Fatalf("NoteInbound: %v %v", added, err)
	}
	if added, _ := s.NoteInbound(ctx, chat, 900); added {
		t.Error("an update noted twice was added twice")
	}
	claim := BurstClaim{Token: "x", Lease: time.Minute, Stale: time.Minute}
	if _, ok, _ := s.ClaimBurst(ctx, chat, 0, claim); ok {
		t.Fatal("claimed while an update of the chat was on its way")
	}
	if err := s.DoneInbound(ctx, chat, 900); err != nil {
		t.Fatal(err)
	}
	if burst, ok, err := s.ClaimBurst(ctx, chat, 0, claim); err != nil || !ok || len(burst.Messages) != 1 {
		t.Fatalf("not claimed once the update was handled: %v %v", ok, err)
	}
	if err := s.AddToBurst(ctx, chat+1, burstMessage(1, "m"), 0); err != nil {
		t.Fatal(err)
	}
	s.NoteInbound(ctx, chat+1, 901)
	time.Sleep(20 * time.Millisecond)
	claim.Stale = 10 * time.Millisecond
	if _, ok, err := s.ClaimBurst(ctx, chat+1, 0, claim); err != nil || !ok {
		t.Errorf("a stale inbound update still holds the burst: %v %v", ok, err)
	}
}

// TestForgetStopsAClaimedBurst: /forget (or /new) landing while a replica
// folds a claimed burst deletes the burst with the conversation; the
// replica's next append fails and brings nothing back.
func TestForgetStopsAClaimedBurst(t *testing.T) {
	s := openStore(t, Config{Addrs: []string{storetest.StartServer(t).Addr}})
	ctx := context.Background()
	for i, forget := range []func(chat int64) error{
		func(chat int64) error { _, err := s.Forget(ctx, chat); return err },
		func(chat int64) error { return s.ForgetConversation(ctx, chat) },
		// /forget and /new as message 3: a message sent after them (4,
		// stored straight by the webhook before the command was handled)
		// stays, as the next burst.
		func(chat int64) error { _, err := s.ForgetBefore(ctx, chat, 3); return err },
		func(chat int64) error { return s.ForgetConversationBefore(ctx, chat, 3) },
	} {
		const chat = 44
		for id := 1; id <= 2; id++ {
			if err := s.AddToBurst(ctx, chat, burstMessage(id, "m"), 0); err != nil {
				t.Fatal(err)
			}
		}
		burst, ok, err := s.ClaimBurst(ctx, chat, 0, BurstClaim{Token: "x", Lease: time.Minute, Stale: time.Minute})
		if err != nil || !ok {
			t.Fatalf("claim: %v %v", ok, err)
		}
		if _, err := s.AppendClaimed(ctx, chat, burst.Messages[0].Entry, burst.Claim); err != nil {
			t.Fatal(err)
		}
		if err := s.AddToBurst(ctx, chat, burstMessage(4, "after"), 0); err != nil {
			t.Fatal(err)
		}
		if err := forget(chat); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AppendClaimed(ctx, chat, burst.Messages[1].Entry, burst.Claim); !errors.Is(err, ErrBurstLost) {
			t.Errorf("an append after the chat was forgotten: %v, want ErrBurstLost", err)
		}
		if conv, _ := s.Load(ctx, chat); conv.Seq != 0 || len(conv.Window) != 0 {
			t.Errorf("the forgotten conversation came back: %d messages", len(conv.Window))
		}
		if err := s.CloseBurst(ctx, burst, 0); !errors.Is(err, ErrBurstLost) {
			t.Errorf("closing a forgotten burst: %v, want ErrBurstLost", err)
		}
		next, ok, err := s.ClaimBurst(ctx, chat, 0, BurstClaim{Token: "y", Lease: time.Minute, Stale: time.Minute})
		keepsLater := i >= 2 // Forget and ForgetConversation take the whole burst
		switch kept := next.Messages; {
		case err != nil:
			t.Fatal(err)
		case !keepsLater && ok:
			t.Errorf("forget %d left a burst of %d messages", i, len(kept))
		case keepsLater && (!ok || len(kept) != 1 || kept[0].Entry.Text != "after"):
			t.Errorf("forget %d: the burst holds %v (%v), want only the message sent after the command", i, kept, ok)
		}
		s.Forget(ctx, chat)
	}
}

// TestARenewedClaimIsNotTakenOver: a live replica renewing its claim keeps
// the burst past the first lease; once it stops, another replica takes it.
func TestARenewedClaimIsNotTakenOver(t *testing.T) {
	s := openStore(t, Config{Addrs: []string{storetest.StartServer(t).Addr}})
	ctx := context.Background()
	const chat, lease = 45, 100 * time.Millisecond
	if err := s.AddToBurst(ctx, chat, burstMessage(1, "m"), 0); err != nil {
		t.Fatal(err)
	}
	first, ok, err := s.ClaimBurst(ctx, chat, 0, BurstClaim{Token: "first", Lease: lease, Stale: time.Minute})
	if err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	other := BurstClaim{Token: "other", Lease: lease, Stale: time.Minute}
	for range 4 { // 4 × lease/2: twice the first lease
		time.Sleep(lease / 2)
		if err := s.RenewBurst(ctx, first, lease); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.ClaimBurst(ctx, chat, 0, other); ok {
			t.Fatal("a renewed claim was taken over")
		}
	}
	time.Sleep(lease + 10*time.Millisecond)
	if _, ok, err := s.ClaimBurst(ctx, chat, 0, other); err != nil || !ok {
		t.Fatalf("a lapsed claim was not taken over: %v %v", ok, err)
	}
	if err := s.RenewBurst(ctx, first, lease); !errors.Is(err, ErrBurstLost) {
		t.Errorf("renewing a lost claim: %v, want ErrBurstLost", err)
	}
	// A claim given back (storing failed) is claimable at once, and due.
	const chat2 = chat + 1
	if err := s.AddToBurst(ctx, chat2, burstMessage(1, "m"), 0); err != nil {
		t.Fatal(err)
	}
	long := BurstClaim{Token: "long", Lease: time.Hour, Stale: time.Minute}
	held, ok, err := s.ClaimBurst(ctx, chat2, 0, long)
	if err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	if err := s.AbandonBurst(ctx, held); err != nil {
		t.Fatal(err)
	}
	due, _ := s.DueBursts(ctx, time.Now(), 10)
	if !slices.ContainsFunc(due, func(d DueBurst) bool { return d.Chat == chat2 }) {
		t.Errorf("a burst given back is not due: %v", due)
	}
	if _, ok, err := s.ClaimBurst(ctx, chat2, 0, other); err != nil || !ok {
		t.Errorf("a burst given back was not claimable at once: %v %v", ok, err)
	}
}

// TestAnAnsweredMessageDoesNotOpenABurstAgain: an update handled again
// after its burst was answered (its acknowledgement was lost, or came
// after another replica claimed it) does not open the burst again, while
// a new message does.
func TestAnAnsweredMessageDoesNotOpenABurstAgain(t *testing.T) {
	s := openStore(t, Config{Addrs: []string{storetest.StartServer(t).Addr}})
	ctx := context.Background()
	const chat = 77
	if err := s.AddToBurst(ctx, chat, burstMessage(5, "m"), 0); err != nil {
		t.Fatal(err)
	}
	burst, ok, err := s.ClaimBurst(ctx, chat, 0, BurstClaim{Token: "t", Lease: time.Minute, Stale: time.Minute})
	if err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	if err := s.CloseBurst(ctx, burst, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.AddToBurst(ctx, chat, burstMessage(5, "m"), 0); err != nil {
		t.Fatal(err)
	}
	if n, err := s.BurstSize(ctx, chat); err != nil || n != 0 {
		t.Errorf("the answered message opened a burst of %d again (%v), want none", n, err)
	}
	if err := s.AddToBurst(ctx, chat, burstMessage(6, "new"), 0); err != nil {
		t.Fatal(err)
	}
	if n, err := s.BurstSize(ctx, chat); err != nil || n != 1 {
		t.Errorf("a new message: burst of %d (%v), want 1", n, err)
	}
}

// TestFinishBurstIsAllOrNothing: a claimed burst folded by its claim is
// finished in one script: with the step's consent, the step's write, the
// state, the answer's record and the close land together, and the
// due-set keeps an entry only for messages that came meanwhile; a step
// that refuses, or a claim that is gone, writes nothing of them. On one
// node and on a Cluster (the due-sets and the chat on different nodes).
func TestFinishBurstIsAllOrNothing(t *testing.T) {
	single := storetest.StartServer(t)
	cluster := storetest.StartCluster(t)
	for name, addrs := range map[string][]string{"single": {single.Addr}, "cluster": cluster.Addrs} {
		t.Run(name, func(t *testing.T) {
			s := openStore(t, Config{Addrs: addrs})
			ctx := context.Background()
			claim := func(chat int64) Burst {
				t.Helper()
				burst, ok, err := s.ClaimBurst(ctx, chat, 0, BurstClaim{Token: "t" + strconv.FormatInt(chat, 10), Lease: time.Minute, Stale: time.Minute, Fold: true})
				if err != nil || !ok || burst.Folded == nil || len(burst.Folded.Seqs) != len(burst.Messages) {
					t.Fatalf("claim of chat %d: %v %v, folded %+v", chat, ok, err, burst.Folded)
				}
				return burst
			}
			// The step writes a mark in the chat's slot and answers its
			// first argument.
			mark := func(chat int64) string { return s.chatKey(chat, "mark") }
			step := func(chat int64, answer int) Step {
				return Step{Lua: `redis.call("SET", KEYS[1], "1") return tonumber(ARGV[1])`, Keys: []string{mark(chat)}, Args: []any{answer}}
			}
			snapshot := func(b Burst) *Snapshot {
				return &Snapshot{BaseSeq: b.Folded.Conversation.StateSeq, Seq: b.Folded.Conversation.Seq, State: []byte(`{"n":1}`), Verdict: []byte(`{"level":"scam"}`)}
			}
			dueScore := func(chat int64) (float64, bool) {
				score, err := s.client.ZScore(ctx, s.dueKey(), strconv.FormatInt(chat, 10)).Result()
				return score, err == nil
			}

			const done, later, refused, lost = 61, 62, 63, 64
			for _, chat := range []int64{done, later, refused, lost} {
				for id := 1; id <= 3; id++ {
					if err := s.AddToBurst(ctx, chat, burstMessage(id, "m"), 0); err != nil {
						t.Fatal(err)
					}
				}
			}

			burst := claim(done)
			if _, err := s.FinishBurst(ctx, burst, time.Second, "a1", []byte(`{"lang":"en"}`), snapshot(burst), step(done, 1)); err != nil {
				t.Fatal(err)
			}
			if conv, _ := s.Load(ctx, done); conv.StateSeq != 3 || string(conv.Verdict) != `{"level":"scam"}` {
				t.Errorf("state after finishing: seq %d, verdict %s; want 3 and the snapshot's", conv.StateSeq, conv.Verdict)
			}
			if id, blob, err := s.LastAnswer(ctx, done); err != nil || id != "a1" || string(blob) != `{"lang":"en"}` {
				t.Errorf("last answer %q %s (%v), want a1", id, blob, err)
			}
			if n, _ := s.BurstSize(ctx, done); n != 0 {
				t.Errorf("%d messages left in the finished burst", n)
			}
			if score, ok := dueScore(done); ok {
				t.Errorf("a finished burst is still due (%v)", score)
			}

			// A message that came while the answer was made stays due.
			burst = claim(later)
			if err := s.AddToBurst(ctx, later, burstMessage(4, "later"), 0); err != nil {
				t.Fatal(err)
			}
			if _, err := s.FinishBurst(ctx, burst, time.Second, "a1", []byte(`{}`), snapshot(burst), step(later, 1)); err != nil {
				t.Fatal(err)
			}
			if n, _ := s.BurstSize(ctx, later); n != 1 {
				t.Errorf("%d messages left, want the one that came meanwhile", n)
			}
			if score, ok := dueScore(later); !ok || score > float64(time.Now().Add(time.Second).UnixMilli()) {
				t.Errorf("the next burst's due-set entry: %v %v, want one within the quiet time", score, ok)
			}

			// A step that refuses: nothing written, still claimed, due when
			// the lease ends.
			burst = claim(refused)
			if _, err := s.FinishBurst(ctx, burst, time.Second, "a1", []byte(`{}`), snapshot(burst), step(refused, 0)); !errors.Is(err, ErrStepRefused) {
				t.Errorf("a refused step: %v, want ErrStepRefused", err)
			}
			if conv, _ := s.Load(ctx, refused); conv.StateSeq != 0 {
				t.Errorf("a refused finish saved the state (seq %d)", conv.StateSeq)
			}
			if _, _, err := s.LastAnswer(ctx, refused); !errors.Is(err, ErrNoAnswer) {
				t.Errorf("a refused finish kept the answer: %v", err)
			}
			if n, _ := s.BurstSize(ctx, refused); n != 3 {
				t.Errorf("a refused finish left %d messages, want 3", n)
			}
			if score, ok := dueScore(refused); !ok || score != float64(burst.LeaseUntil.UnixMilli()) {
				t.Errorf("a refused burst's due-set entry: %v %v, want its lease's end", score, ok)
			}

			// A claim gone (/forget): nothing written, not even the step's.
			burst = claim(lost)
			if err := s.ForgetConversationBefore(ctx, lost, 10); err != nil {
				t.Fatal(err)
			}
			if _, err := s.FinishBurst(ctx, burst, time.Second, "a1", []byte(`{}`), snapshot(burst), step(lost, 1)); !errors.Is(err, ErrBurstLost) {
				t.Errorf("a forgotten burst: %v, want ErrBurstLost", err)
			}
			if n, _ := s.client.Exists(ctx, mark(lost), s.answersKey(lost), s.chatKey(lost, "conv")).Result(); n != 0 {
				t.Errorf("a finish after /forget wrote %d keys", n)
			}
		})
	}
}

// TestFinishedAnswersKeepTheirOrderAndFold: answers kept by FinishBurst
// (a field each) read after the one document, newest last; only the
// newest KeptAnswers stay; the claim reads the newest, or says it is in the
// document; CompactAnswers folds the fields into the document.
func TestFinishedAnswersKeepTheirOrderAndFold(t *testing.T) {
	s := openStore(t, Config{Addrs: []string{storetest.StartServer(t).Addr}})
	ctx := context.Background()
	const chat = 71
	id := 0
	finish := func(answer string) *Folded {
		t.Helper()
		id++
		if err := s.AddToBurst(ctx, chat, burstMessage(id, "m"), 0); err != nil {
			t.Fatal(err)
		}
		burst, ok, err := s.ClaimBurst(ctx, chat, 0, BurstClaim{Token: "t" + answer, Lease: time.Minute, Stale: time.Minute, Fold: true})
		if err != nil || !ok || burst.Folded == nil {
			t.Fatalf("claim before %s: %v %v", answer, ok, err)
		}
		if _, err := s.FinishBurst(ctx, burst, time.Second, answer, []byte(`{"a":"`+answer+`"}`), nil, Step{Lua: `return 1`}); err != nil {
			t.Fatal(err)
		}
		if last, _, err := s.LastAnswer(ctx, chat); err != nil || last != answer {
			t.Fatalf("last answer after %s: %q (%v)", answer, last, err)
		}
		return burst.Folded
	}
	for n := range KeptAnswers + 2 {
		folded := finish(fmt.Sprint("f", n))
		if n > 0 && (folded.LastAnswerID != fmt.Sprint("f", n-1) || folded.AnswersApart != min(n, KeptAnswers)) {
			t.Errorf("claim before f%d read %q with %d apart", n, folded.LastAnswerID, folded.AnswersApart)
		}
	}
	if _, err := s.Answer(ctx, chat, "f1"); !errors.Is(err, ErrNoAnswer) {
		t.Errorf("an answer beyond the newest %d kept apart: %v, want gone", KeptAnswers, err)
	}
	// The one document, then an answer apart: the one apart is newer.
	if err := s.SaveAnswer(ctx, chat, "doc", []byte(`{"a":"doc"}`)); err != nil {
		t.Fatal(err)
	}
	finish("after")
	if err := s.CompactAnswers(ctx, chat); err != nil {
		t.Fatal(err)
	}
	folded := finish("next")
	if !folded.LastAnswerUnread || folded.AnswersApart != 0 {
		t.Errorf("claim after compacting: unread %v, %d apart; want the document to be read", folded.LastAnswerUnread, folded.AnswersApart)
	}
	if _, blob, err := s.LastAnswer(ctx, chat); err != nil || string(blob) != `{"a":"next"}` {
		t.Errorf("last answer %s (%v)", blob, err)
	}
	if blob, err := s.Answer(ctx, chat, "after"); err != nil || string(blob) != `{"a":"after"}` {
		t.Errorf("an answer folded into the document: %s (%v)", blob, err)
	}
}
