#!/usr/bin/env bash
# Browser tests: Debian's Chromium (installed by .ci/run) driven by playwright-core against the built app.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
npm run test:e2e
