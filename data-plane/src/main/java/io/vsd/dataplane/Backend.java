package io.vsd.dataplane;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/** The handler of the real-server socket: hands everything to the connection's {@link Frontend}. */
final class Backend extends ChannelInboundHandlerAdapter {
  private final Frontend connection;
  /** What closed the socket, if an error did (a reset): for passive health. */
  private Throwable error;

  Backend(Frontend connection) {
    this.connection = connection;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    connection.countSplices(ctx.channel(), false);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    connection.backendRead(msg);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      connection.backendInputShut(ctx.channel());
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    connection.backendInactive(ctx.channel(), error);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    error = cause;
    ctx.close();
  }
}
