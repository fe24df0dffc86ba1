package web

import (
	"strings"
	"testing"
)

func TestWordsKeepEveryCharacterAndSplitChineseByCharacter(t *testing.T) {
	for _, s := range []string{"The e-petition system went live.", "電子連署系統已上線。", "Mixed 中文 and English, 2021年12月", ""} {
		if got := strings.Join(splitWords(s), ""); got != s {
			t.Errorf("%q joined back is %q", s, got)
		}
	}
	if got := splitWords("系統 went live"); strings.Join(got, "|") != "系|統| |went| |live" {
		t.Errorf("words: %q", got)
	}
}

func TestDiffWordsMarksWholeWordsAndTrimsLongContext(t *testing.T) {
	parts := diffWords("電子連署系統已完成測試", "電子連署系統已正式上線")
	var del, ins string
	for _, p := range parts {
		switch p.Op {
		case -1:
			del += p.Text
		case 1:
			ins += p.Text
		}
	}
	if del != "完成測試" || ins != "正式上線" {
		t.Errorf("removed %q, added %q; want 完成測試 and 正式上線", del, ins)
	}
	long := strings.Repeat("word ", 100)
	parts = diffWords(long+"old", long+"new")
	if n := len([]rune(parts[0].Text)); n > keptContext+2 || !strings.HasPrefix(parts[0].Text, "… ") {
		t.Errorf("the unchanged text before the change is %d runes: %q", n, parts[0].Text)
	}
}
