package conversation

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/store"
	"github.com/scamguard/scamguard/store/storetest"
)

// TestReplicasRecordingOneChatLoseNothing runs two rooms (two replicas) on
// one Redis, recording messages of one chat at once: each message is
// classified exactly once, whoever wins the store's compare-and-set, and
// the saved verdict is the classifier's over every message.
func TestReplicasRecordingOneChatLoseNothing(t *testing.T) {
	server := storetest.StartServer(t)
	c, err := classifier.Default(catalog.MustLoad().ImpersonableBrands())
	if err != nil {
		t.Fatal(err)
	}
	const replicas, each, chat = 2, 60, int64(77)
	bots := make([]*Room, replicas)
	for i := range bots {
		st, err := store.Open(context.Background(), store.Config{Addrs: []string{server.Addr}, Prefix: "replicas:", Window: replicas * each},
			slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		bots[i] = &Room{Store: st, Classifier: c}
	}
	var wg sync.WaitGroup
	errs := make(chan error, replicas)
	for r, b := range bots {
		wg.Go(func() {
			for i := range each {
				entry := store.Entry{From: "other", Text: fmt.Sprintf("replica %d message %d", r, i), Time: time.Unix(1_700_000_000, 0)}
				if _, _, err := b.Record(context.Background(), chat, entry); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	conv, err := bots[0].Store.Load(context.Background(), chat)
	if err != nil {
		t.Fatal(err)
	}
	state := classifier.NewState()
	if err := json.Unmarshal(conv.State, state); err != nil {
		t.Fatal(err)
	}
	if conv.Seq != replicas*each || conv.StateSeq != replicas*each || state.Messages != replicas*each {
		t.Errorf("seq %d, state seq %d, state has seen %d messages; want %d each", conv.Seq, conv.StateSeq, state.Messages, replicas*each)
	}
	saved, err := DecodeVerdict(conv.Verdict)
	if err != nil {
		t.Fatal(err)
	}
	if want := c.Verdict(state); saved.Level != want.Level || saved.Score != want.Score {
		t.Errorf("saved verdict %s %.3f, the state's %s %.3f", saved.Level, saved.Score, want.Level, want.Score)
	}
}
