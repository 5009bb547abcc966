// Package storetest starts real Redis servers for tests: one node, or a
// three-master Cluster, on free loopback ports, torn down with the test.
// Tests run against real servers because the store's contract (Lua
// scripts, Cluster slots, TTLs, timeouts) is what Redis does, not what a
// mock of our own code says.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// startTimeout bounds how long a server or a cluster may take to come up.
const startTimeout = 10 * time.Second

// binaries returns the paths of redis-server and redis-cli. Without them a
// test skips locally and fails in CI (CI set), where .ci/run installs them.
func binaries(t testing.TB) (server, cli string) {
	t.Helper()
	server, err := exec.LookPath("redis-server")
	if err == nil {
		cli, err = exec.LookPath("redis-cli")
	}
	if err != nil {
		const msg = "redis-server and redis-cli are needed for the store's tests (apt-get install redis-server): %v"
		if os.Getenv("CI") != "" {
			t.Fatalf(msg, err)
		}
		t.Skipf(msg, err)
	}
	return server, cli
}

// Server is one redis-server process.
type Server struct {
	// Addr is the server's host:port on loopback.
	Addr string

	t      testing.TB
	binary string
	args   []string
	dir    string
	cmd    *exec.Cmd
}

// StartServer starts a redis-server on a free loopback port, with no
// persistence, and stops it when the test ends.
func StartServer(t testing.TB) *Server {
	t.Helper()
	binary, _ := binaries(t)
	s := newServer(t, binary, nil)
	s.Start()
	return s
}

func newServer(t testing.TB, binary string, extra []string) *Server {
	port := freePort(t)
	dir := t.TempDir()
	s := &Server{
		Addr:   net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		t:      t,
		binary: binary,
		dir:    dir,
		args: append([]string{
			"--port", strconv.Itoa(port),
			"--bind", "127.0.0.1",
			"--save", "",
			"--appendonly", "no",
			"--dir", dir,
			"--logfile", filepath.Join(dir, "redis.log"),
			"--daemonize", "no",
			// DEBUG SLEEP simulates a slow server in the fault tests.
			"--enable-debug-command", "local",
		}, extra...),
	}
	t.Cleanup(s.Stop)
	return s
}

// Start starts the server (again, after Stop, on the same port) and waits
// until it answers PING.
func (s *Server) Start() {
	s.t.Helper()
	if s.cmd != nil {
		s.t.Fatalf("redis-server %s is already running", s.Addr)
	}
	cmd := exec.Command(s.binary, s.args...)
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("start redis-server on %s: %v", s.Addr, err)
	}
	s.cmd = cmd
	if err := waitPing(s.Addr); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
		s.t.Fatalf("redis-server on %s: %v\n%s", s.Addr, err, log)
	}
}

// Stop kills the server and waits for it to exit; stopping a stopped
// server does nothing.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	// A paused process only dies of SIGKILL once resumed on some systems;
	// resuming first makes Stop work whatever state the test left it in.
	_ = s.cmd.Process.Signal(syscall.SIGCONT)
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// Pause stops the process with SIGSTOP: connections stay open and nothing
// answers, the worst case for a client's timeouts.
func (s *Server) Pause() {
	s.t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		s.t.Fatalf("pause redis-server %s: %v", s.Addr, err)
	}
}

// Resume continues a paused server.
func (s *Server) Resume() {
	s.t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		s.t.Fatalf("resume redis-server %s: %v", s.Addr, err)
	}
}

// Cluster is a Redis Cluster of three masters without replicas.
type Cluster struct {
	// Addrs are the masters' addresses.
	Addrs []string
	nodes []*Server
}

// StartCluster starts three cluster-enabled redis-servers on free ports,
// joins them with redis-cli --cluster create and waits until the cluster
// says its state is ok.
func StartCluster(t testing.TB) *Cluster {
	t.Helper()
	binary, cli := binaries(t)
	c := &Cluster{}
	for range 3 {
		dir := t.TempDir()
		node := newServer(t, binary, []string{
			"--cluster-enabled", "yes",
			"--cluster-config-file", filepath.Join(dir, "nodes.conf"),
			"--cluster-port", strconv.Itoa(freePort(t)),
			"--cluster-node-timeout", "2000",
		})
		node.Start()
		c.nodes = append(c.nodes, node)
		c.Addrs = append(c.Addrs, node.Addr)
	}
	args := append([]string{"--cluster", "create"}, c.Addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if out, err := exec.CommandContext(ctx, cli, args...).CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	for _, addr := range c.Addrs {
		if err := waitClusterOK(addr); err != nil {
			t.Fatalf("cluster node %s: %v", addr, err)
		}
	}
	return c
}

// freePort returns a loopback TCP port nobody listens on now. Redis's own
// port 6379 is never returned: a system server may hold real data there.
func freePort(t testing.TB) int {
	t.Helper()
	for range 10 {
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("find a free port: %v", err)
		}
		port := listener.Addr().(*net.TCPAddr).Port
		listener.Close()
		if port != 6379 {
			return port
		}
	}
	t.Fatal("find a free port: only 6379 came back")
	return 0
}

func waitPing(addr string) error {
	client := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer client.Close()
	deadline := time.Now().Add(startTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := client.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer to PING within %s: %w", startTimeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func waitClusterOK(addr string) error {
	client := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer client.Close()
	deadline := time.Now().Add(startTimeout)
	for {
		info, err := client.ClusterInfo(context.Background()).Result()
		if err == nil && strings.Contains(info, "cluster_state:ok") {
			return nil
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = errors.New("cluster_state is not ok")
			}
			return fmt.Errorf("cluster not ready within %s: %w", startTimeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// CommandCalls reads INFO commandstats: how many times Redis ran each
// command, by name ("get", "evalsha", …).
func CommandCalls(t testing.TB, client redis.UniversalClient) map[string]int64 {
	t.Helper()
	info, err := client.Info(context.Background(), "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	calls := map[string]int64{}
	for _, line := range strings.Split(info, "\n") {
		name, rest, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(line), "cmdstat_"), ":calls=")
		if !ok {
			continue
		}
		n, _ := strconv.ParseInt(strings.SplitN(rest, ",", 2)[0], 10, 64)
		calls[name] = n
	}
	return calls
}
