package store

import (
	"time"
)

// The environment variables that configure the store, in one place so that
// the README's option table and the binary's wiring read the same names.
const (
	// EnvURL selects the server; empty means the embedded in-process store.
	EnvURL = "REDIS_URL"
	// EnvAddrs is a comma-separated address list, an alternative to EnvURL;
	// more than one address means Cluster.
	EnvAddrs = "SCAMGUARD_REDIS_ADDRS"
	// EnvPrefix is prepended to every key.
	EnvPrefix = "SCAMGUARD_REDIS_PREFIX"
	// EnvTTL is how long a conversation is kept after its last message (Go duration).
	EnvTTL = "SCAMGUARD_REDIS_TTL"
	// EnvWindow is how many messages of a conversation are kept.
	EnvWindow = "SCAMGUARD_REDIS_WINDOW"
)

// Config says which Redis to use and how long and how much to keep. The zero
// value of a field means its default (DefaultConfig).
type Config struct {
	// URL is redis://[user:password@]host:port[/db] for one node; with
	// ?addr=host:port&addr=… it names Cluster seed nodes, and with
	// ?master_name=NAME the host is a Sentinel. rediss:// uses TLS. Empty
	// with no Addrs: the embedded in-process store, not persisted.
	URL string
	// Addrs lists host:port addresses instead of URL: one means a single
	// node, more than one a Cluster.
	Addrs []string
	// Password authenticates with Addrs (a URL carries its own).
	Password string
	// Prefix starts every key, so that scamguard can share a server.
	Prefix string
	// TTL is how long a conversation (window, state, verdict, warning time)
	// lives after its last message.
	TTL time.Duration
	// Window is how many messages of a conversation are kept.
	Window int
	// CacheTTL is how long an LLM answer is reused.
	CacheTTL time.Duration
	// SettingsTTL is how long a chat's settings outlive its last message
	// or change: long, so that a quiet family group keeps its choices, but
	// not forever.
	SettingsTTL time.Duration
	// DialTimeout, ReadTimeout and WriteTimeout bound each network step;
	// OpTimeout bounds a whole call, so a dead or paused Redis costs a
	// message at most this long before the caller degrades.
	DialTimeout  time.Duration
	ReadTimeout  time.Duration
	WriteTimeout time.Duration
	OpTimeout    time.Duration
}

// DefaultConfig returns the defaults: prefix "sg:", conversations kept 72
// hours, 50 messages each, one-second bounds on every call.
func DefaultConfig() Config {
	return Config{
		Prefix:       "sg:",
		TTL:          72 * time.Hour,
		Window:       50,
		CacheTTL:     24 * time.Hour,
		SettingsTTL:  180 * 24 * time.Hour,
		DialTimeout:  time.Second,
		ReadTimeout:  time.Second,
		WriteTimeout: time.Second,
		OpTimeout:    time.Second,
	}
}

// withDefaults fills the zero (or negative) fields of cfg from DefaultConfig.
func (cfg Config) withDefaults() Config {
	def := DefaultConfig()
	if cfg.Prefix == "" {
		cfg.Prefix = def.Prefix
	}
	cfg.TTL = positiveOr(cfg.TTL, def.TTL)
	cfg.Window = positiveOr(cfg.Window, def.Window)
	cfg.CacheTTL = positiveOr(cfg.CacheTTL, def.CacheTTL)
	cfg.SettingsTTL = positiveOr(cfg.SettingsTTL, def.SettingsTTL)
	cfg.DialTimeout = positiveOr(cfg.DialTimeout, def.DialTimeout)
	cfg.ReadTimeout = positiveOr(cfg.ReadTimeout, def.ReadTimeout)
	cfg.WriteTimeout = positiveOr(cfg.WriteTimeout, def.WriteTimeout)
	cfg.OpTimeout = positiveOr(cfg.OpTimeout, def.OpTimeout)
	return cfg
}

// positiveOr is v when it is positive, else def.
func positiveOr[T int | int64 | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}
