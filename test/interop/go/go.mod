module matterlog.test/interop/tlog-verify

go 1.19

require golang.org/x/mod v0.7.0

// Offline build against Debian's golang-golang-x-mod-dev (see ../setup-go.sh):
// the module proxy is never consulted (GOPROXY=off).
replace golang.org/x/mod => /usr/share/gocode/src/golang.org/x/mod
