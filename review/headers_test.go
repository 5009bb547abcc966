package review

import (
	"net/http"
	"testing"
)

func TestConsoleSecurityHeaders(t *testing.T) {
	_, _, _, server := consoleServer(t, nil)
	cases := []struct {
		name      string
		forwarded string
		wantHSTS  bool
	}{
		{"plain HTTP: no HSTS", "", false},
		{"behind a TLS proxy: HSTS", "https", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, server.URL+Path+"/", nil)
			if c.forwarded != "" {
				req.Header.Set("X-Forwarded-Proto", c.forwarded)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			for header, want := range map[string]string{"X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"} {
				if got := resp.Header.Get(header); got != want {
					t.Errorf("%s: %q, want %q", header, got, want)
				}
			}
			if hsts := resp.Header.Get("Strict-Transport-Security"); (hsts != "") != c.wantHSTS {
				t.Errorf("Strict-Transport-Security %q, want it present: %v", hsts, c.wantHSTS)
			}
		})
	}
}
