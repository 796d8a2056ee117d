export default function Page() {
  return <div className="page"><h1>assets</h1></div>;
}
