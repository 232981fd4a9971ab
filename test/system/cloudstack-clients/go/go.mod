module cloudstack-go-scenario

go 1.21

require github.com/xanzy/go-cloudstack/v2 v2.9.0

// Debian's golang-github-xanzy-go-cloudstack-dev ships the source; .ci/install.d/cloudstack-clients.sh
// builds against it offline (GOFLAGS=-mod=mod GOPROXY=off).
replace github.com/xanzy/go-cloudstack/v2 => /usr/share/gocode/src/github.com/xanzy/go-cloudstack
