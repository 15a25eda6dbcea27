//! GraphQL subscriptions over WebSocket (graphql-transport-ws), with per-socket and per-caller
//! subscription caps.

use super::*;

/// GraphQL subscriptions over WebSocket (graphql-transport-ws); the token comes in
/// `connection_init` as `{"Authorization": "Bearer …"}`.
pub(super) async fn graphql_ws(
    State(state): State<AppState>,
    peer: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    protocol: async_graphql_axum::GraphQLProtocol,
    upgrade: axum::extract::ws::WebSocketUpgrade,
) -> Response {
    // Opening a socket costs a token of the peer address's bucket.
    let key = peer.map_or_else(|| "ip:unknown".to_owned(), |p| format!("ip:{}", p.0.0.ip()));
    if let Err(wait) = state.rate.take(&key, 1) {
        return rate_limited(wait);
    }
    let registry = state.subscriptions.clone();
    let schema = state.ws_schema.clone();
    upgrade
        .max_message_size(state.edge.body_limit)
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| async move {
            use axum::extract::ws::{CloseFrame, Message};
            use futures_util::{SinkExt, StreamExt};
            let _session = state.lifecycle.sessions.token();
            let auth = state.auth.clone();
            let db = state.db.clone();
            let persisted = state.persisted.clone();
            let shutdown = state.lifecycle.shutdown.clone();
            let (mut sink, stream) = socket.split();
            // At shutdown, subscriptions end first (the client gets `complete`); a moment later
            // the session stops reading and the socket closes with 1001 (going away).
            let stop = shutdown.clone();
            let stream = stream.take_until(async move {
                stop.cancelled().await;
                tokio::time::sleep(Duration::from_millis(100)).await;
            });
            async_graphql_axum::GraphQLWebSocket::new_with_pair(
                &mut sink, stream, schema, protocol,
            )
            .on_connection_init(move |payload| async move {
                let address = key;
                let header = ["Authorization", "authorization"]
                    .iter()
                    .find_map(|k| payload.get(*k).and_then(|v| v.as_str()).map(str::to_owned))
                    .or_else(|| {
                        payload
                            .get("token")
                            .and_then(|v| v.as_str())
                            .map(|t| format!("Bearer {t}"))
                    });
                let viewer = auth
                    .viewer(header.as_deref())
                    .map_err(async_graphql::Error::from)?;
                let caller = match &viewer.subject {
                    Some(subject) => format!("sub:{subject}"),
                    None => address,
                };
                let mut data = async_graphql::Data::default();
                data.insert(registry.socket(&caller));
                data.insert(viewer);
                data.insert(db);
                data.insert(persisted);
                Ok(data)
            })
            .serve()
            .await;
            if shutdown.is_cancelled() {
                let close = CloseFrame {
                    code: 1001,
                    reason: "服务正在停止，请稍后重连".into(),
                };
                let _ = sink.send(Message::Close(Some(close))).await;
            }
        })
}
