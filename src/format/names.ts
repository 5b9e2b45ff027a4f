/**
 * The rules for names of people and nodes, written once for every place that checks them: the
 * gateway's request schemas, invitations, handles of members on other nodes, and the sign-up form.
 */

/** A username: 2-32 characters (lowercase letters, digits, ".", "_", "-"), starting with a letter or digit. */
const USERNAME_BODY = '[a-z0-9][a-z0-9._\\-]{1,31}'
/** A libp2p peer id as base58btc text (an Ed25519 id is 52 characters; room for other key types). */
const PEER_ID_BODY = '[1-9A-HJ-NP-Za-km-z]{40,128}'

export const USERNAME = new RegExp(`^${USERNAME_BODY}$`)
export const PEER_ID = new RegExp(`^${PEER_ID_BODY}$`)
/** `username@peerId`, a user of another node; groups 1 and 2 are its two parts. */
export const REMOTE_HANDLE = new RegExp(`^(${USERNAME_BODY})@(${PEER_ID_BODY})$`)
/** A member of an album: a username on this node, or a remote handle. */
export const MEMBER_NAME = new RegExp(`^${USERNAME_BODY}(@${PEER_ID_BODY})?$`)

/** USERNAME for an HTML `pattern` attribute, which the browser anchors itself. */
export const USERNAME_HTML_PATTERN = USERNAME_BODY
/** The rule in words, for error messages. */
export const USERNAME_RULE = 'a username is 2-32 characters: a-z, 0-9, ".", "_", "-", starting with a letter or digit'
