package store

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scamguard/scamguard/store/storetest"
)

// faultConfig has short bounds so that fault tests are quick; the
// assertions are about the bound holding, not its size.
func faultConfig(addr string) Config {
	return Config{
		Addrs:        []string{addr},
		DialTimeout:  200 * time.Millisecond,
		ReadTimeout:  200 * time.Millisecond,
		WriteTimeout: 200 * time.Millisecond,
		OpTimeout:    300 * time.Millisecond,
	}
}

// boundSlack is how far past OpTimeout a failing call may return, for a
// loaded CI machine under -race.
const boundSlack = time.Second

// calls are the store's methods as the bot calls them, for fault tests.
var calls = map[string]func(context.Context, *Store) error{
	"Append": func(ctx context.Context, s *Store) error { _, err := s.Append(ctx, 1, message("hi")); return err },
	"Load":   func(ctx context.Context, s *Store) error { _, err := s.Load(ctx, 1); return err },
	"Record": func(ctx context.Context, s *Store) error {
		_, _, err := record(ctx, s, 1, message("hi"), countFold)
		return err
	},
	"Save": func(ctx context.Context, s *Store) error {
		return s.Save(ctx, 1, Snapshot{Seq: 1, State: []byte("{}")})
	},
	"Forget":        func(ctx context.Context, s *Store) error { _, err := s.Forget(ctx, 1); return err },
	"FirstDelivery": func(ctx context.Context, s *Store) error { _, err := s.FirstDelivery(ctx, 1); return err },
	"Settings":      func(ctx context.Context, s *Store) error { _, err := s.Settings(ctx, 1); return err },
}

// requireBoundedError runs every call and checks that each fails, and
// fails within the bound: a bot waiting on Redis is a bot not warning.
func requireBoundedError(t *testing.T, s *Store) {
	t.Helper()
	for name, call := range calls {
		start := time.Now()
		err := call(context.Background(), s)
		elapsed := time.Since(start)
		if err == nil {
			t.Errorf("%s succeeded against a dead or stuck server", name)
		}
		if elapsed > s.cfg.OpTimeout+boundSlack {
			t.Errorf("%s took %v to fail, bound %v", name, elapsed, s.cfg.OpTimeout)
		}
	}
}

// requireRecovers retries Record until it succeeds: the first call after a
// restart may meet a connection the server closed.
func requireRecovers(t *testing.T, s *Store) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, _, err := record(context.Background(), s, 2, message("back"), countFold)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("store did not recover: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestServerStoppedMidRun(t *testing.T) {
	server := storetest.StartServer(t)
	s := openStore(t, faultConfig(server.Addr))
	if _, _, err := record(context.Background(), s, 1, message("before"), countFold); err != nil {
		t.Fatal(err)
	}
	server.Stop()
	requireBoundedError(t, s)
	server.Start()
	requireRecovers(t, s)
}

func TestSlowServerHitsTimeout(t *testing.T) {
	t.Run("DEBUG SLEEP", func(t *testing.T) {
		server := storetest.StartServer(t)
		s := openStore(t, faultConfig(server.Addr))
		requireRecovers(t, s)
		other := redis.NewClient(&redis.Options{Addr: server.Addr, ReadTimeout: 5 * time.Second})
		defer other.Close()
		slept := make(chan error, 1)
		go func() { slept <- other.Do(context.Background(), "DEBUG", "SLEEP", "2").Err() }()
		// Give the sleep time to start; a call that slipped in before it
		// would succeed and prove nothing.
		time.Sleep(100 * time.Millisecond)
		start := time.Now()
		_, err := s.Append(context.Background(), 1, message("slow"))
		elapsed := time.Since(start)
		if err == nil {
			t.Error("Append succeeded while the server slept")
		}
		if elapsed > s.cfg.OpTimeout+boundSlack {
			t.Errorf("Append took %v, bound %v", elapsed, s.cfg.OpTimeout)
		}
		if err := <-slept; err != nil {
			t.Fatalf("DEBUG SLEEP: %v", err)
		}
		requireRecovers(t, s)
	})
	t.Run("paused process", func(t *testing.T) {
		server := storetest.StartServer(t)
		s := openStore(t, faultConfig(server.Addr))
		requireRecovers(t, s)
		server.Pause()
		requireBoundedError(t, s)
		server.Resume()
		requireRecovers(t, s)
	})
}
