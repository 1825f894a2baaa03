# SleepPlayer: `make run` sets up and starts the app; `make test` sets up and runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := run

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# apt through sudo unless we already are root.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# libVLC plus what Qt's xcb platform needs on a bare Debian/Ubuntu. libvlc-bin brings the
# plugin cache: without it every start loads all 348 plugins (+40 MB RSS, +70 ms).
RUNTIME_DEBS := libvlc5 libvlc-bin vlc-plugin-base libegl1 libgl1 libglx0 libfontconfig1 libfreetype6 \
	libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
	libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 \
	libdbus-1-3 fonts-dejavu-core
# Real display, tray host, sound server, session bus and MPRIS client for the test tiers.
TEST_DEBS := xvfb xdotool x11-utils trayer pulseaudio pulseaudio-utils dbus playerctl \
	sox libsox-fmt-mp3 lame opus-tools vorbis-tools imagemagick desktop-file-utils appstream

.PHONY: run venv system-deps test-deps test-system-deps lint test test-unit test-contract \
	test-integration test-e2e bench sounds screenshots icons package install-desktop \
	uninstall-desktop clean

run: system-deps venv
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ] && [ "$$(uname)" = Linux ]; then \
		echo "make run: no display found (DISPLAY and WAYLAND_DISPLAY are unset)."; \
		echo "  Run it from a desktop session, or try: $(BIN)/sleepplayer --headless ITEMS..."; \
		exit 1; fi
	$(BIN)/python -m sleepplayer $(ARGS)

# Installs the Debian packages that are missing (only on apt systems; elsewhere it explains).
define apt_install
	@missing=""; for p in $(1); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if command -v apt-get >/dev/null; then \
			echo "Installing:$$missing"; \
			$(SUDO) apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
		else \
			echo "Please install with your package manager:$$missing"; exit 1; \
		fi; \
	fi
endef

system-deps:
	@if command -v dpkg-query >/dev/null; then :; else \
		echo "Not a Debian/Ubuntu system: install VLC 3 (64-bit) yourself; see README.md."; fi
	$(if $(shell command -v dpkg-query),$(call apt_install,$(RUNTIME_DEBS)))

test-system-deps: system-deps
	$(call apt_install,$(TEST_DEBS))

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

venv: $(VENV)/.installed

test-deps: test-system-deps $(VENV)/.test-installed

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# pytest exits 5 when it collected nothing; make treats that as the failure it is.
test-unit: test-deps
	$(BIN)/python -m pytest tests/unit
test-contract: test-deps
	$(BIN)/python -m pytest tests/contract
test-integration: test-deps
	$(BIN)/python -m pytest tests/integration
test-e2e: test-deps
	$(BIN)/python -m pytest tests/e2e

test: test-deps lint
	$(BIN)/python -m pytest tests/unit tests/contract tests/integration tests/e2e

bench: test-deps
	$(BIN)/python -m bench

sounds: test-deps
	$(BIN)/python resources/make_sounds.py

# The e2e screenshot tests write artifacts/*.png under Xvfb; the README shows four of them from
# docs/ (the tray menu cut to the screen's top right corner, where the tray and its menus are).
screenshots: test-deps
	$(BIN)/python -m pytest tests/e2e -k screenshot
	cp artifacts/main-window.png docs/screenshot.png
	cp artifacts/timer-panel.png docs/timer-panel.png
	cp artifacts/settings.png docs/settings.png
	convert artifacts/tray-menu.png -gravity NorthEast -crop 700x370+0+0 +repage docs/tray-menu.png
	$(BIN)/python packaging/linux/sync_screenshot_sizes.py

# The hicolor PNGs in packaging/linux/icons, from resources/icons/app.svg (kept in the tree).
icons: venv
	$(BIN)/python packaging/linux/make_icons.py

# A one-folder bundle in dist/sleepplayer (PyInstaller), then a headless and a window smoke test.
package: system-deps $(VENV)/.package-installed
	$(BIN)/pyinstaller --noconfirm --clean --distpath dist --workpath build \
		packaging/pyinstaller/sleepplayer.spec
	$(BIN)/python packaging/smoke_test.py dist/sleepplayer

$(VENV)/.package-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[package]'
	touch $@ $(VENV)/.installed

# Menu entry, icons and AppStream data for the current user (no root needed). Exec points at
# this clone's venv, which ~/.local/bin and PATH know nothing about. An icon cache is only
# refreshed when one exists: a missing cache makes GTK read the folder, a stale one hides us.
DATA_HOME ?= $(or $(XDG_DATA_HOME),$(HOME)/.local/share)
APP_ID := io.github.sleepplayer.SleepPlayer
install-desktop: venv
	install -d "$(DATA_HOME)/applications" "$(DATA_HOME)/metainfo" "$(DATA_HOME)/icons"
	sed -e 's|^Exec=sleepplayer|Exec="$(CURDIR)/$(BIN)/sleepplayer"|' \
		-e 's|^TryExec=sleepplayer|TryExec=$(CURDIR)/$(BIN)/sleepplayer|' \
		packaging/linux/$(APP_ID).desktop > "$(DATA_HOME)/applications/$(APP_ID).desktop"
	install -m 644 packaging/linux/$(APP_ID).metainfo.xml "$(DATA_HOME)/metainfo/"
	cp -r packaging/linux/icons/hicolor "$(DATA_HOME)/icons/"
	if command -v update-desktop-database >/dev/null; then \
		update-desktop-database -q "$(DATA_HOME)/applications"; fi
	if [ -f "$(DATA_HOME)/icons/hicolor/icon-theme.cache" ] && \
		command -v gtk-update-icon-cache >/dev/null; then \
		gtk-update-icon-cache -q -f -t "$(DATA_HOME)/icons/hicolor"; fi

uninstall-desktop:
	rm -f "$(DATA_HOME)/applications/$(APP_ID).desktop" "$(DATA_HOME)/metainfo/$(APP_ID).metainfo.xml"
	find "$(DATA_HOME)/icons/hicolor" -name '$(APP_ID).*' -delete 2>/dev/null || true
	if command -v update-desktop-database >/dev/null; then \
		update-desktop-database -q "$(DATA_HOME)/applications"; fi

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache artifacts
