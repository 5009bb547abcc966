package redact

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPersonal(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"e-mail", "发到 refund.team+cn@jd-service.com 即可", "发到 [email] 即可"},
		{"full-width at", "邮箱 li.ming＠qq.com", "邮箱 [email]"},
		{"iban", "pay to GB29 NWBK 6016 1331 9268 19 today", "pay to [account] today"},
		{"iban compact", "IBAN DE89370400440532013000", "IBAN [account]"},
		{"zh street address", "寄到上海市浦东新区张江路88号3栋1201室，谢谢", "寄到[address]，谢谢"},
		{"zh road without district", "地址：人民路100号", "地址：[address]"},
		{"zh estate", "我住阳光小区5栋2单元301室", "我住[address]"},
		{"zh road alone kept", "在人民路附近", "在人民路附近"},
		{"en street", "ship it to 221B Baker Street, Apt 4 please", "ship it to [address] please"},
		{"en street abbreviated", "I live at 42 Elm St.", "I live at [address]"},
		{"en street name alone kept", "the shop on Main Street", "the shop on Main Street"},
		{"introduction", "My name is John Smith from Amazon", "My name is [name] from Amazon"},
		{"salutation", "Dear Alice, your refund", "Dear [name], your refund"},
		{"form field", "Name: Maria Lopez", "Name: [name]"},
		{"zh introduction", "我叫王小明，是京东客服", "我叫[name]，是京东客服"},
		{"zh form field", "收件人：李四 电话13812345678", "收件人：[name] 电话[phone]"},
		{"zh account holder", "户名张三丰", "户名[name]"},
		{"zh title", "陈先生您好", "[name]先生您好"},
		{"numbers still", "卡号6222021234567890128", "卡号[card]"},
		{"brand kept", "这里是京东客服，退款请下载APP", "这里是京东客服，退款请下载APP"},
		{"service numbers kept", "拨打96110或95588核实", "拨打96110或95588核实"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Personal(c.in); got != c.want {
				t.Errorf("Personal(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestJSON(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"values redacted, keys kept", `{"match":"call 13812345678","13812345678":1}`, `{"match":"call [phone]","13812345678":1}`},
		{"nested and arrays", `{"hits":[{"match":"a@b.cn"},{"match":"ok"}],"tail":"我叫王小明"}`, `{"hits":[{"match":"[email]"},{"match":"ok"}],"tail":"我叫[name]"}`},
		{"escapes", `{"t":"line\n\"13812345678\""}`, `{"t":"line\n\"[phone]\""}`},
		{"times kept", `{"created":"2026-12-07T02:45:55.123456789Z","t":"2024-05-12T10:00:00+08:00"}`, `{"created":"2026-12-07T02:45:55.123456789Z","t":"2024-05-12T10:00:00+08:00"}`},
		{"unchanged", `{"a":"b","n":12345678901}`, `{"a":"b","n":12345678901}`},
		{"invalid JSON redacted as text", `{"a":"13812345678"`, `{"a":"[phone]"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := string(JSON([]byte(c.in))); got != c.want {
				t.Errorf("JSON(%s) = %s, want %s", c.in, got, c.want)
			}
		})
	}
}

func FuzzPersonal(f *testing.F) {
	for _, seed := range []string{
		"发到 a.b@c.com", "上海市浦东新区张江路88号3栋1201室", "My name is John Smith", "收件人：李四",
		"GB29 NWBK 6016 1331 9268 19", "221B Baker Street", "陈先生", "\xff@x.com 13812345678",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Personal(in)
		if !utf8.ValidString(out) {
			t.Fatalf("Personal(%q) = %q: invalid UTF-8", in, out)
		}
		if again := Personal(out); again != out {
			t.Fatalf("not idempotent: Personal(%q) = %q, Personal(that) = %q", in, out, again)
		}
		if e := emailPattern.FindString(out); e != "" {
			t.Fatalf("Personal(%q) = %q keeps the e-mail %q", in, out, e)
		}
	})
}

func FuzzJSON(f *testing.F) {
	for _, seed := range []string{`{"match":"13812345678"}`, `["a@b.cn",{"k":"v"}]`, `"x"`, `{"a":`, `{"\"":"\\"}`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := JSON([]byte(in))
		if json.Valid([]byte(in)) && !json.Valid(out) {
			t.Fatalf("JSON(%s) = %s: no longer valid", in, out)
		}
		if strings.Contains(string(out), "13812345678") && !strings.Contains(in, "13812345678") {
			t.Fatalf("JSON(%s) = %s: made up a number", in, out)
		}
	})
}
