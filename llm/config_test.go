package llm

import (
	"strings"
	"testing"
	"time"
)

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{
		EnvBaseURL: "http://127.0.0.1:11434/v1", EnvModel: "qwen2.5:7b", EnvTimeout: "3s",
		EnvUserPerHour: "5", EnvGlobalPerHour: "0", EnvGreyLow: "0.3", EnvGreyHigh: "0.9", EnvDebounce: "0s",
	}
	cfg, err := ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Configured() || cfg.Model != "qwen2.5:7b" || cfg.Timeout != 3*time.Second || cfg.UserPerHour != 5 ||
		cfg.GlobalPerHour != 0 || cfg.GreyLow != 0.3 || cfg.GreyHigh != 0.9 || cfg.Debounce != 0 {
		t.Errorf("config %+v", cfg)
	}
	def, err := ConfigFromEnv(func(string) string { return "" })
	if err != nil || def.Configured() || def.Timeout != 8*time.Second {
		t.Errorf("defaults: %+v %v", def, err)
	}
	for _, bad := range []struct{ name, value string }{
		{EnvTimeout, "0s"}, {EnvTimeout, "soon"}, {EnvUserPerHour, "-1"}, {EnvGreyLow, "2"}, {EnvGreyHigh, "0.1"},
	} {
		_, err := ConfigFromEnv(func(k string) string {
			if k == bad.name {
				return bad.value
			}
			return ""
		})
		if err == nil || !strings.Contains(err.Error(), bad.name) {
			t.Errorf("%s=%s: err %v", bad.name, bad.value, err)
		}
	}
}

func TestEnvVarsListsEveryVariable(t *testing.T) {
	names := map[string]bool{}
	for _, v := range EnvVars {
		names[v.Name] = true
	}
	for _, name := range []string{EnvAPIKey, EnvBaseURL, EnvModel, EnvTimeout, EnvUserPerHour, EnvGlobalPerHour, EnvGreyLow, EnvGreyHigh, EnvDebounce} {
		if !names[name] {
			t.Errorf("EnvVars lacks %s", name)
		}
	}
}

func TestMemoryBudget(t *testing.T) {
	now := time.Unix(7200, 0)
	b := NewMemoryBudget(2, 3)
	b.now = func() time.Time { return now }
	var got []bool
	for _, user := range []string{"a", "a", "a", "b", "b"} {
		ok, _ := b.Allow(t.Context(), user)
		got = append(got, ok)
	}
	if want := []bool{true, true, false, true, false}; !equalBools(got, want) {
		t.Errorf("allowed %v, want %v", got, want)
	}
	now = now.Add(time.Hour)
	if ok, _ := b.Allow(t.Context(), "a"); !ok {
		t.Errorf("a new hour must reset the counts")
	}
}

func equalBools(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestMemoryCacheExpiresAndBounds(t *testing.T) {
	now := time.Unix(0, 0)
	c := NewMemoryCache(2, time.Minute)
	c.now = func() time.Time { return now }
	c.Put(t.Context(), "a", []byte("1"))
	if v, ok, _ := c.Get(t.Context(), "a"); !ok || string(v) != "1" {
		t.Fatalf("get a: %q %v", v, ok)
	}
	c.Put(t.Context(), "b", []byte("2"))
	c.Put(t.Context(), "c", []byte("3"))
	if len(c.entries) > 2 {
		t.Errorf("%d entries, cap 2", len(c.entries))
	}
	now = now.Add(2 * time.Minute)
	if _, ok, _ := c.Get(t.Context(), "c"); ok {
		t.Errorf("expired entry returned")
	}
}
