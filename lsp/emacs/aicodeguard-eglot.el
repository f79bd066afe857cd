;;; aicodeguard-eglot.el --- aicodeguard's language server in Emacs 29+ (eglot)  -*- lexical-binding: t -*-

;; Load this file from your init file, then `M-x eglot' in a Python or JS/TS buffer.
;;
;; eglot runs ONE server per buffer, so this makes aicodeguard the buffer's language
;; server in place of pyright, pylsp or typescript-language-server.  To keep those and
;; still see aicodeguard's findings, skip eglot for aicodeguard and use the command line
;; as a Flymake (or `compile') checker on the buffer text instead:
;;
;;   aicodeguard scan --format concise --stdin-filename FILE -
;;
;; It reads the buffer on standard input and prints `FILE:LINE:COLUMN: AIGxxx message'
;; (columns count characters, from 1).  lsp-mode, unlike eglot, can run aicodeguard
;; beside another server: register it as an add-on client (`:add-on? t').

(require 'eglot)

(add-to-list 'eglot-server-programs
             '((python-mode python-ts-mode js-mode js-ts-mode typescript-ts-mode tsx-ts-mode)
               . ("aicodeguard" "lsp")))

;; Editor settings (see the README), answered to the server's workspace/configuration:
;; (setq-default eglot-workspace-configuration '(:aicodeguard (:failOn "high")))

(provide 'aicodeguard-eglot)
;;; aicodeguard-eglot.el ends here
