/**
 * A movie as catalog knows it in the graph: by its id alone. Movies are owned by the movies
 * subgraph, which the gateway asks for everything else; catalog only adds `Movie.screenings`.
 */
export interface MovieRef {
  id: string;
}
