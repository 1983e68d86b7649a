#!/bin/bash
# git: grep --threads=2 over a repository holding a copy of /usr/include,
# gc --aggressive, index-pack --threads=2 of that repository's pack, repack
# -adf --threads=2; each natively, then under ulockdep, on a fresh copy of
# the repository. GIT_SRC picks the tree committed (default /usr/include).
. "$(dirname "$0")/lib.sh"
need git
git --version
src=${GIT_SRC:-/usr/include}
base=$W/git-base
if [ ! -d "$base/.git" ]; then
	rm -rf "$base" && mkdir -p "$base" && cp -a "$src/." "$base/" &&
		git -C "$base" init -q &&
		git -C "$base" add -A &&
		git -C "$base" -c user.name=real -c user.email=real@localhost \
			-c gc.auto=0 commit -q -m tree &&
		git -C "$base" repack -adq || exit 2
fi
pack=$(ls "$base"/.git/objects/pack/pack-*.pack | head -1)
echo "repository: $(git -C "$base" ls-files | wc -l) files, pack of $(($(stat -c %s "$pack") >> 20)) MiB"

fresh() {
	rm -rf "$W/git-work" "$W/index.idx" && cp -a "$base" "$W/git-work"
}
objects() {
	git -C "$W/git-work" count-objects -v | grep -E '^(count|packs|in-pack)'
	git -C "$W/git-work" fsck --no-progress && echo "fsck clean"
}

cd "$W" || exit 2
REAL_PRE=fresh real_pair git_grep \
	git -C "$W/git-work" grep --threads=2 -c -e pthread_mutex_lock -e spin_lock
REAL_PRE=fresh REAL_POST=objects real_pair git_gc \
	git -C "$W/git-work" gc --aggressive --quiet
REAL_PRE=fresh real_pair git_index_pack \
	git index-pack --threads=2 -o "$W/index.idx" "$pack"
REAL_PRE=fresh REAL_POST=objects real_pair git_repack \
	git -C "$W/git-work" repack -adfq --threads=2
